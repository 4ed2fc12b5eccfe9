package io.s3jars.nodeagent;

import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy as the agent last read its text, from a file or a ConfigMap: parsed only when the
 * text changes; an invalid, missing or unreadable text keeps the last good policy, and each new
 * problem is reported once.
 */
final class PolicyText {

    private final AgentEvents events;
    private String lastText;
    private String lastProblem;
    private PolicySnapshot lastGood;

    PolicyText(AgentEvents events) {
        this.events = events;
    }

    /** Takes the text just read from {@code origin}; returns the policy in force. */
    synchronized Optional<PolicySnapshot> read(String text, String origin) {
        if (!Objects.equals(text, lastText)) {
            lastText = text;
            PolicyResult result = PolicyParser.parse(text);
            if (result instanceof PolicyResult.Valid valid) {
                lastGood = valid.policy();
                lastProblem = null;
                events.info("policy loaded from " + origin);
            } else if (result instanceof PolicyResult.Invalid invalid) {
                report("invalid policy in " + origin + ", keeping the last good policy: " + invalid.summary());
            }
        }
        return Optional.ofNullable(lastGood);
    }

    /** The text could not be read: {@code why} is reported once, and the last good policy stays. */
    synchronized Optional<PolicySnapshot> unreadable(String why) {
        lastText = null;
        report(why + ", keeping the last good policy");
        return Optional.ofNullable(lastGood);
    }

    /** The last problem reported, until a valid policy is read. */
    synchronized Optional<String> problem() {
        return Optional.ofNullable(lastProblem);
    }

    private void report(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            events.problem(problem);
        }
    }
}
