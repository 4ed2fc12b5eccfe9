package io.s3jars.nodeagent;

import io.s3jars.cluster.NodeMountPathAnnotation;
import io.s3jars.policy.PolicySnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The agent's loop, one round every interval on one thread: read the policy and the node, decide
 * which buckets the node mounts ({@link NodePlan}), supervise each mount, write the truth on the
 * node ({@link NodeMarks}), then take down the mounts no longer wanted. A mount leaving the node
 * is unlabelled first and unmounted only once the node no longer says it is ready, so no pod is
 * scheduled onto a mount on its way out.
 */
final class NodeAgent {

    private final AgentSettings settings;
    private final PolicySource policies;
    private final NodeAccess node;
    private final MountCheck check;
    private final BucketMountSupervisor.Processes processes;
    private final AgentEvents events;
    private final Clock clock;

    private final SortedMap<String, BucketMountSupervisor> wanted = new TreeMap<>();
    private final SortedMap<String, BucketMountSupervisor> leaving = new TreeMap<>();
    private final Set<String> reportedOutsideRoot = new HashSet<>();
    private volatile Instant lastRound;
    private volatile String notReady = "no round yet";

    NodeAgent(AgentSettings settings, PolicySource policies, NodeAccess node, MountCheck check,
            BucketMountSupervisor.Processes processes, AgentEvents events, Clock clock) {
        this.settings = settings;
        this.policies = policies;
        this.node = node;
        this.check = check;
        this.processes = processes;
        this.events = events;
        this.clock = clock;
    }

    /** One round; never throws for a problem outside the agent (API server, mount-s3, policy). */
    synchronized void round() {
        Instant now = clock.instant();
        try {
            Optional<PolicySnapshot> policy = policies.current();
            Optional<NodeAccess.NodeState> state = node.current();
            if (state.isEmpty()) {
                notReady = "node " + settings.nodeName() + " not read yet" + node.problem().map(p -> ": " + p).orElse("");
                return;
            }
            if (policy.isEmpty()) {
                notReady = "no valid policy read yet" + policies.problem().map(p -> ": " + p).orElse("");
                if (wanted.isEmpty() && leaving.isEmpty()) {
                    withdrawEarlierLabels(state.get());
                }
                return;
            }
            plan(NodePlan.of(policy.get(), state.get().labels()));
            for (BucketMountSupervisor supervisor : wanted.values()) {
                supervisor.tick(now);
                events.checked(supervisor.mount().bucket(), now);
            }
            if (mark(state.get(), false)) {
                takeDownLeaving();
                notReady = null;
            }
        } catch (RuntimeException e) {
            notReady = "last round failed: " + e;
            events.problem("round failed: " + e);
        } finally {
            lastRound = now;
        }
    }

    /**
     * On SIGTERM: the node stops saying any mount is ready, so no new pod is placed on it, and the
     * mounts stay for the pods running on them (see docs/node-agent.md).
     */
    synchronized void unlabelAll() {
        node.current().ifPresent(state -> {
            if (mark(state, true)) {
                events.info("stopping: mount-ready labels removed; mounts left in place for running pods");
            }
        });
    }

    /**
     * Before any policy is read (the ConfigMap missing or invalid after a crash of the previous
     * agent), the labels an earlier agent set say nothing true: its mount-s3 stopped with it. They
     * go; the recorded mount paths stay, since the mounts may still be there.
     */
    private void withdrawEarlierLabels(NodeAccess.NodeState state) {
        Map<String, Object> patch = NodeMarks.patch(state.labels(), state.annotations(), List.of(), List.of(),
                List.of(), NodeMountPathAnnotation.parse(state.annotations().get(NodeMountPathAnnotation.KEY)));
        if (!patch.isEmpty()) {
            node.patch(patch);
            events.info("no policy yet: mount-ready labels of an earlier agent removed");
        }
    }

    /** Why the agent is not ready, or empty when it is. */
    Optional<String> notReady() {
        return Optional.ofNullable(notReady);
    }

    /** Whether a round ran within {@code window}: the loop is alive. */
    boolean roundWithin(Duration window) {
        Instant last = lastRound;
        return last != null && Duration.between(last, clock.instant()).compareTo(window) <= 0;
    }

    /** The mounts this round wants, by bucket, with whether each is live: for health data and tests. */
    synchronized Map<String, Boolean> mounts() {
        Map<String, Boolean> mounts = new TreeMap<>();
        wanted.forEach((bucket, supervisor) -> mounts.put(bucket, supervisor.live()));
        return mounts;
    }

    private void plan(SortedMap<String, NodeMount> plan) {
        for (Iterator<Map.Entry<String, BucketMountSupervisor>> it = wanted.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, BucketMountSupervisor> entry = it.next();
            NodeMount now = plan.get(entry.getKey());
            if (!entry.getValue().mount().equals(now) && entry.getValue().mount().sameMountAs(now)) {
                entry.getValue().relabel(now);
                events.log(entry.getKey(), "mount-ready labels now " + now.readyLabels() + "; the mount stays");
            } else if (!entry.getValue().mount().equals(now)) {
                it.remove();
                leaving.put(entry.getKey(), entry.getValue());
                events.log(entry.getKey(), now == null ? "no longer wanted on this node: unlabelling, then unmounting"
                        : "mount options changed: unlabelling, unmounting, then mounting again");
            }
        }
        reportedOutsideRoot.removeIf(reported -> !plan.containsKey(reported.substring(0, reported.indexOf(' '))));
        Set<String> leavingPaths = new HashSet<>();
        leaving.values().forEach(s -> leavingPaths.add(s.mount().path()));
        plan.forEach((bucket, mount) -> {
            if (!settings.mayMountAt(mount.path())) {
                if (reportedOutsideRoot.add(bucket + " " + mount.path())) {
                    events.problem("bucket " + bucket + ": nodeMountPath " + mount.path() + " is outside "
                            + settings.mountRoot().orElseThrow() + " (S3JARS_NODE_AGENT_MOUNT_ROOT), the host directory"
                            + " the agent shares with the node; not mounted. Move it under that directory.");
                }
                return;
            }
            if (!wanted.containsKey(bucket) && !leaving.containsKey(bucket) && !leavingPaths.contains(mount.path())) {
                BucketMountSupervisor supervisor = new BucketMountSupervisor(mount, settings, check, processes, events);
                wanted.put(bucket, supervisor);
                events.track(bucket, supervisor::live);
                events.log(bucket, "wanted on this node at " + mount.path());
            }
        });
    }

    /** Writes the node's labels and annotations; whether the node now says the truth. */
    private boolean mark(NodeAccess.NodeState state, boolean stopping) {
        List<NodeMount> managed = new ArrayList<>();
        List<NodeMount> live = new ArrayList<>();
        List<NodeMount> goingDown = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (BucketMountSupervisor supervisor : wanted.values()) {
            managed.add(supervisor.mount());
            if (supervisor.live() && !stopping) {
                live.add(supervisor.mount());
            }
            if (supervisor.present()) {
                present.add(supervisor.mount().path());
            }
        }
        for (BucketMountSupervisor supervisor : leaving.values()) {
            managed.add(supervisor.mount());
            goingDown.add(supervisor.mount());
            if (supervisor.present()) {
                present.add(supervisor.mount().path());
            }
        }
        Map<String, Object> patch = NodeMarks.patch(state.labels(), state.annotations(), managed, live, goingDown,
                present);
        if (patch.isEmpty()) {
            return true;
        }
        try {
            node.patch(patch);
            return true;
        } catch (RuntimeException e) {
            notReady = "cannot update node " + settings.nodeName() + ": " + e.getMessage();
            events.problem(notReady);
            return false;
        }
    }

    private void takeDownLeaving() {
        for (Iterator<Map.Entry<String, BucketMountSupervisor>> it = leaving.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, BucketMountSupervisor> entry = it.next();
            if (entry.getValue().takeDown()) {
                it.remove();
                if (!wanted.containsKey(entry.getKey())) {
                    events.untrack(entry.getKey());
                }
            }
        }
    }
}
