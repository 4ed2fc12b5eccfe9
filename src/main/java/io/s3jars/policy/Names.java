package io.s3jars.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/** Syntax rules for the names that appear in a policy and in pod labels. Each check returns the problem, if any. */
public final class Names {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern NAMESPACE_GLOB = Pattern.compile("[a-z0-9*?]([-a-z0-9*?]{0,61}[a-z0-9*?])?");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(/[^/\\x00]+)+");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");

    private Names() {
    }

    /** S3 general purpose bucket naming rules; no case folding, so a pod cannot reach a bucket by odd casing. */
    public static Optional<String> bucketProblem(String name) {
        if (!BUCKET.matcher(name).matches()) {
            return Optional.of("is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, '.' and '-',"
                    + " starting and ending with a letter or digit)");
        }
        if (name.contains("..") || IP_ADDRESS.matcher(name).matches()) {
            return Optional.of("is not a valid S3 bucket name (no '..', not an IP address)");
        }
        return Optional.empty();
    }

    static Optional<String> namespacePatternProblem(String pattern) {
        return NAMESPACE_GLOB.matcher(pattern).matches() ? Optional.empty()
                : Optional.of("is not a namespace name or glob (lowercase letters, digits, '-', '*', '?'; at most 63)");
    }

    static Optional<String> serviceAccountProblem(String name) {
        return DNS_SUBDOMAIN.matcher(name).matches() ? Optional.empty()
                : Optional.of("is not a valid service account name");
    }

    /** Object names such as a PersistentVolumeClaim's: a DNS subdomain of at most 253 characters. */
    static Optional<String> dnsSubdomainProblem(String name) {
        return DNS_SUBDOMAIN.matcher(name).matches() ? Optional.empty()
                : Optional.of("is not a valid object name (lowercase letters, digits, '-' and '.'; at most 253)");
    }

    /** True for a key and value Kubernetes accepts as a label; no node carries any other. */
    public static boolean isLabel(String key, String value) {
        return labelKeyProblem(key).isEmpty() && labelValueProblem(value).isEmpty();
    }

    static Optional<String> labelKeyProblem(String key) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (prefix != null && !DNS_SUBDOMAIN.matcher(prefix).matches()) {
            return Optional.of("has an invalid prefix '" + prefix + "' (must be a DNS subdomain)");
        }
        return LABEL_NAME.matcher(name).matches() ? Optional.empty()
                : Optional.of("is not a valid label key (name part: at most 63 alphanumerics, '-', '_' or '.')");
    }

    static Optional<String> labelValueProblem(String value) {
        return LABEL_VALUE.matcher(value).matches() ? Optional.empty()
                : Optional.of("is not a valid label value (at most 63 alphanumerics, '-', '_' or '.')");
    }

    /** Absolute, already normal: no '.', '..', '//', trailing '/' and not '/' itself. */
    static Optional<String> absolutePathProblem(String path) {
        if (!ABSOLUTE_PATH.matcher(path).matches()) {
            return Optional.of("must be an absolute path without a trailing '/' or '//' (and not '/')");
        }
        for (String segment : path.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must not contain '.' or '..' segments");
            }
        }
        return Optional.empty();
    }

    static Optional<String> regionProblem(String region) {
        return REGION.matcher(region).matches() ? Optional.empty()
                : Optional.of("is not an AWS region such as us-west-2");
    }

    static Optional<String> quantityProblem(String quantity) {
        return QUANTITY.matcher(quantity).matches() ? Optional.empty()
                : Optional.of("is not a Kubernetes quantity such as 100m, 256Mi or 1");
    }

    /**
     * Kubernetes object names such as volumes and containers: a DNS label,
     * {@code [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?}. A loop, not that pattern: every admission checks
     * three names, and the match was a visible share of the engine's time (docs/performance.md).
     */
    public static boolean isDnsLabel(String name) {
        int length = name.length();
        if (length == 0 || length > 63 || name.charAt(0) == '-' || name.charAt(length - 1) == '-') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
