package io.s3jars.nodeagent;

import io.s3jars.policy.PolicyParser;
import io.s3jars.policy.PolicyResult;
import io.s3jars.policy.PolicySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy from a file ({@code S3JARS_POLICY_FILE}), read again whenever the agent asks and
 * parsed when its text has changed; an invalid or unreadable file keeps the last good policy,
 * reported once per change.
 */
final class FilePolicySource implements PolicySource {

    private final Path file;
    private final AgentEvents events;
    private String lastText;
    private String lastProblem;
    private PolicySnapshot lastGood;

    FilePolicySource(Path file, AgentEvents events) {
        this.file = file;
        this.events = events;
    }

    @Override
    public synchronized Optional<PolicySnapshot> current() {
        try {
            String text = Files.readString(file);
            if (!Objects.equals(text, lastText)) {
                lastText = text;
                PolicyResult result = PolicyParser.parse(text);
                if (result instanceof PolicyResult.Valid valid) {
                    lastGood = valid.policy();
                    lastProblem = null;
                    events.info("policy loaded from " + file);
                } else if (result instanceof PolicyResult.Invalid invalid) {
                    report("invalid policy in " + file + ", keeping the last good policy: " + invalid.summary());
                }
            }
        } catch (IOException e) {
            lastText = null;
            report("cannot read the policy file " + file + " (" + e + "), keeping the last good policy");
        }
        return Optional.ofNullable(lastGood);
    }

    private void report(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            events.problem(problem);
        }
    }

    @Override
    public void close() {
    }
}
