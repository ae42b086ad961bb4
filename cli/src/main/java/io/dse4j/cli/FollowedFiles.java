package io.dse4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code track --follow} has seen of the checkpoint files, look after look, and so which are due to be measured:
 * a file the table has no row for, or whose size or time differs from its row's (or whose row a content check
 * found stale), once it is stable — the same size and time at two looks, and not written for
 * {@link #QUIET_SECONDS} s. A file still being written, growing or made at full size and filled afterwards (numpy's
 * open_memmap), is left for a later look; one that failed is tried again only once it changes.
 */
final class FollowedFiles {

    /**
     * How long a file must have gone unwritten: a file filled after it was made at full size keeps its size while
     * it is written, and a poll interval may be shorter than the pauses of its writer.
     */
    static final int QUIET_SECONDS = 1;

    private final Map<Path, CheckpointIdentity.Stat> lastSeen = new HashMap<>();
    private final Map<Path, CheckpointIdentity.Stat> failedAt = new HashMap<>();

    /**
     * Looks at the candidates now and returns those due, in their order.
     *
     * @param stale checkpoints whose rows are known to be of other content, whatever their size and time say
     */
    List<Checkpoints.Checkpoint> due(List<Checkpoints.Checkpoint> candidates, TrackTable rows, Set<String> stale,
                                     Instant now) throws IOException {
        List<Checkpoints.Checkpoint> due = new ArrayList<>();
        for (Checkpoints.Checkpoint c : candidates) {
            CheckpointIdentity.Stat stat = CheckpointIdentity.stat(c.file());
            CheckpointIdentity recorded = rows.identity(c.name());
            if (stat == null || (recorded != null && !stale.contains(c.name()) && recorded.stat().equals(stat))) {
                continue;     // gone, or its row describes it
            }
            CheckpointIdentity.Stat before = lastSeen.put(c.file(), stat);
            if (stat.equals(before) && stat.quietSince(now, Duration.ofSeconds(QUIET_SECONDS))
                    && !stat.equals(failedAt.get(c.file()))) {
                due.add(c);
            }
        }
        return due;
    }

    /** Remembers that a file could not be measured as it is now: it is not due again until it changes. */
    void failed(Path file) throws IOException {
        failedAt.put(file, CheckpointIdentity.stat(file));
    }
}
