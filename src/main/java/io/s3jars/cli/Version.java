package io.s3jars.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven built, for {@code --version} on every command. */
public final class Version implements IVersionProvider {

    /** {@code s3jars 0.1.0}, or {@code s3jars (version unknown)} from classes not built by Maven. */
    public static String line() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/s3jars-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // said below
        }
        String version = properties.getProperty("version", "");
        return "s3jars " + (version.isEmpty() || version.startsWith("${") ? "(version unknown)" : version);
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }
}
