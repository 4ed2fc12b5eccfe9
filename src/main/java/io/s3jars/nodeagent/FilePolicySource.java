package io.s3jars.nodeagent;

import io.s3jars.policy.PolicySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The policy from a file ({@code S3JARS_POLICY_FILE}), read again whenever the agent asks. */
final class FilePolicySource implements PolicySource {

    private final Path file;
    private final PolicyText text;

    FilePolicySource(Path file, AgentEvents events) {
        this.file = file;
        this.text = new PolicyText(events);
    }

    @Override
    public Optional<PolicySnapshot> current() {
        try {
            return text.read(Files.readString(file), file.toString());
        } catch (IOException e) {
            return text.unreadable("cannot read the policy file " + file + " (" + e + ")");
        }
    }

    @Override
    public Optional<String> problem() {
        return text.problem();
    }

    @Override
    public void close() {
    }
}
