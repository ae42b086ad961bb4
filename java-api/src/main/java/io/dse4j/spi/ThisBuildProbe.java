package io.dse4j.spi;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * {@link GpuProbe#ofThisBuild()}: delegates to the {@link GpuProbe} service provided by this build (the GPU
 * backend), looked up once, on first use. Only a provider from this build is taken — same module and same code
 * source as this interface — so another jar's provider on the class path cannot take the backend's place. When none
 * is found (a repackaged jar that dropped {@code META-INF/services}), every probe is unusable with that reason.
 */
final class ThisBuildProbe implements GpuProbe {

    static final ThisBuildProbe INSTANCE = new ThisBuildProbe();

    private GpuProbe provider;

    private ThisBuildProbe() {
    }

    @Override
    public Result probe() {
        return provider().probe();
    }

    @Override
    public Optional<Result> precheck() {
        return provider().precheck();
    }

    private synchronized GpuProbe provider() {
        if (provider == null) {
            provider = lookUp();
        }
        return provider;
    }

    private static GpuProbe lookUp() {
        try {
            ServiceLoader<GpuProbe> loader = ServiceLoader.load(GpuProbe.class, GpuProbe.class.getClassLoader());
            for (ServiceLoader.Provider<GpuProbe> candidate : (Iterable<ServiceLoader.Provider<GpuProbe>>) loader
                    .stream()::iterator) {
                if (fromThisBuild(candidate.type())) {
                    return candidate.get();
                }
            }
            return unusable("this build of dse4j provides no GPU probe (no " + GpuProbe.class.getName()
                    + " service in its jar: was META-INF/services left out when it was repackaged?)");
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            return unusable("the GPU probe of this build could not be loaded: " + e);
        }
    }

    private static boolean fromThisBuild(Class<?> type) {
        return type.getModule() == GpuProbe.class.getModule()
                && Objects.equals(location(type), location(GpuProbe.class));
    }

    private static URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    private static GpuProbe unusable(String reason) {
        Result result = Result.unusable("no GPU probe in this build", List.of(reason));
        return () -> result;
    }
}
