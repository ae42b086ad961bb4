package io.dse4j.internal.gpu;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.GpuDevice;
import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.MutualInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device selection on the CUDA stand-in with two simulated devices: a backend opened on device k allocates on
 * device k only, whichever thread calls it (the runtime's current device belongs to the thread); two devices
 * compute side by side from two threads with the results of one device alone; an ordinal the machine lacks is
 * refused naming the ordinals it has, with nothing left open; a shared {@link GpuDevice} outlives the instances
 * built on it.
 */
@ExtendWith(SanitizedStandIn.class)
class DeviceSelectionStandInTest {

    @BeforeEach
    void twoDevices() {
        assertTrue(CudaLibraries.availability().standIn(), "these tests must run on the stand-in");
        StandIn.reset();
        StandIn.setDevices(2);
    }

    @AfterEach
    void nothingLeftBehind() {
        assertEquals(0, StandIn.outstandingAllocations(), "device allocations left");
        assertEquals(0, StandIn.outstandingHandles(), "handles, contexts or streams left");
        StandIn.reset();
    }

    private static Matrix points(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = 4 * random.nextGaussian();
            }
        }
        return Matrix.of(x);
    }

    @Test
    void aBackendOnDeviceOneAllocatesThereOnlyFromAnyThread() throws Exception {
        Matrix x = points(80, 6, 1);
        double onZero;
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("gpu").build()) {
            onZero = dse.compute(x).entropy();
            assertEquals(0, dse.device());
        }
        long zeroBefore = StandIn.allocationsOn(0);
        assertTrue(zeroBefore > 0, "the device-0 run allocated on device 0");
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("gpu").device(1).build()) {
            assertEquals(1, dse.device());
            assertTrue(dse.describeBackend().contains("CUDA device 1"), dse.describeBackend());
            // A thread that never called cudaSetDevice has device 0 current: the backend must set its own.
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                DseResult r = other.submit(() -> dse.compute(x)).get();
                assertEquals(onZero, r.entropy(), 0, "same numbers on either device");
            } finally {
                other.shutdown();
            }
        }
        assertEquals(zeroBefore, StandIn.allocationsOn(0), "nothing of the device-1 run allocated on device 0");
        assertTrue(StandIn.allocationsOn(1) > 0, "the device-1 run allocated on device 1");
    }

    @Test
    void twoDevicesComputeSideBySideFromTwoThreads() throws Exception {
        List<Matrix> problems = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            problems.add(points(40 + 7 * i, 5, 10 + i));
        }
        double[] alone = new double[problems.size()];
        try (GpuDevice zero = GpuDevice.open(0);
             DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().gpu(zero).build()) {
            for (int i = 0; i < alone.length; i++) {
                alone[i] = dse.compute(problems.get(i)).entropy();
            }
        }
        StandIn.reset();
        StandIn.setDevices(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (GpuDevice zero = GpuDevice.open(0); GpuDevice one = GpuDevice.open(1)) {
            List<Future<double[]>> runs = new ArrayList<>();
            for (GpuDevice device : List.of(zero, one)) {
                runs.add(pool.submit(() -> {
                    double[] out = new double[problems.size()];
                    for (int i = 0; i < out.length; i++) {
                        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().gpu(device).build()) {
                            out[i] = dse.compute(problems.get(i)).entropy();
                        }
                    }
                    return out;
                }));
            }
            for (Future<double[]> run : runs) {
                double[] got = run.get();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(alone[i], got[i], 0, "problem " + i);
                }
            }
        } finally {
            pool.shutdown();
        }
        long perRun = StandIn.allocationsOn(0);
        assertTrue(perRun > 0);
        assertEquals(perRun, StandIn.allocationsOn(1), "each device did the same work");
    }

    @Test
    void anOrdinalTheMachineLacksIsRefusedWithTheOnesItHas() {
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> DiffusionSpectralEntropy.builder().backend("gpu").device(2).build());
        assertTrue(missing.getMessage().contains("CUDA device 2 does not exist")
                && missing.getMessage().contains("2 devices (ordinals 0 to 1)"), missing.getMessage());
        assertThrows(InvalidInputException.class, () -> GpuDevice.open(5));
        InvalidInputException negative = assertThrows(InvalidInputException.class,
                () -> DiffusionSpectralEntropy.builder().device(-1));
        assertTrue(negative.getMessage().contains("device"), negative.getMessage());
    }

    @Test
    void aSharedDeviceOutlivesTheInstancesBuiltOnIt() {
        Matrix x = points(50, 4, 3);
        int[] labels = new int[50];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        GpuDevice device = GpuDevice.open(1);
        try {
            double first;
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().gpu(device).build()) {
                first = dse.compute(x).entropy();
            }
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().gpu(device).build();
                 MutualInformation mi = MutualInformation.builder().gpu(device).build()) {
                assertEquals(first, dse.compute(x).entropy(), 0, "the device still works after an instance closed");
                assertEquals(1, mi.device());
                assertTrue(mi.compute(x, labels).selection().chosen().startsWith("gpu"));
            }
            InvalidInputException both = assertThrows(InvalidInputException.class,
                    () -> DiffusionSpectralEntropy.builder().backend("cpu").gpu(device).build());
            assertTrue(both.getMessage().startsWith("gpu: a GpuDevice was given with backend cpu"), both.getMessage());
            DiffusionSpectralEntropy afterClose = DiffusionSpectralEntropy.builder().gpu(device).build();
            device.close();
            assertThrows(IllegalStateException.class, () -> afterClose.compute(x));
            afterClose.close();
        } finally {
            device.close();
        }
    }
}
