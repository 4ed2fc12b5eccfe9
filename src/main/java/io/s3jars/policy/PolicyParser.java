package io.s3jars.policy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.s3jars.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses and validates a policy document. Pure: the same code checks a file at start-up, a
 * ConfigMap on reload and a ConfigMap edit at admission, so all three agree.
 */
public final class PolicyParser {

    public static final String API_VERSION = "s3jars.io/v1alpha1";
    public static final String KIND = "S3JarsPolicy";

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "defaults", "buckets", "bindings", "guard");
    private static final Set<String> GUARD = Set.of("allowedHostPaths");
    private static final Set<String> ALLOWED_HOST_PATH = Set.of("pathPrefix", "readOnly");
    private static final Set<String> DEFAULTS = Set.of("mode", "mountPath", "allowModeOverride", "sparkContainers",
            "excludeContainers", "sidecar", "autoOrder", "csi");
    private static final Set<String> CSI_DEFAULTS = Set.of("manageVolumes");
    private static final Set<String> SIDECAR = Set.of("image", "imagePullPolicy", "nativeSidecar", "uid", "gid",
            "allowRootSidecar", "cacheSizeMiB", "resources");
    /** 1 TiB: far beyond a node's spare disk for one pod's jar cache, so a larger value is a typo. */
    private static final long MAX_CACHE_SIZE_MIB = 1024 * 1024;
    /** S3's limit on a key, and so on a prefix of keys. */
    private static final int MAX_KEY_BYTES = 1024;
    private static final Set<String> RESOURCES = Set.of("requests", "limits");
    private static final Set<String> BUCKET = Set.of("name", "region", "prefix", "nodeMountPath", "mountReadyLabels",
            "sidecar", "csi", "node");
    private static final Set<String> CSI = Set.of("claimName");
    private static final Set<String> NODE = Set.of("selector", "cacheSizeMiB");
    private static final Set<String> BINDING = Set.of("name", "namespaces", "serviceAccounts", "buckets");
    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

    private PolicyParser() {
    }

    public static PolicyResult parse(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(yaml)) {
            while (parser.nextToken() != null) {
                documents.add(JsonTrees.read(parser));
            }
        } catch (JsonProcessingException e) {
            return new PolicyResult.Invalid(List.of("the policy is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        } catch (IOException | RuntimeException e) {
            return new PolicyResult.Invalid(List.of("the policy is not valid YAML: " + e.getMessage()));
        }
        documents.removeIf(d -> d == null || d.isNull() || d.isMissingNode());
        if (documents.size() != 1) {
            return new PolicyResult.Invalid(List.of(documents.isEmpty() ? "the policy is empty"
                    : "the policy must be one YAML document, found " + documents.size()));
        }
        List<String> errors = new ArrayList<>();
        Optional<PolicySnapshot> snapshot = PolicyFields.of("", documents.get(0), errors, TOP)
                .flatMap(top -> read(top, errors));
        return errors.isEmpty() && snapshot.isPresent()
                ? new PolicyResult.Valid(snapshot.get())
                : new PolicyResult.Invalid(errors);
    }

    private static Optional<PolicySnapshot> read(PolicyFields top, List<String> errors) {
        top.requiredString("apiVersion", v -> v.equals(API_VERSION) ? Optional.empty()
                : Optional.of("must be " + API_VERSION));
        top.requiredString("kind", v -> v.equals(KIND) ? Optional.empty() : Optional.of("must be " + KIND));
        Defaults defaults = top.object("defaults", DEFAULTS).map(PolicyParser::defaults)
                .orElse(new Defaults(Mode.AUTO, "/mnt/s3", true, Defaults.SPARK_CONTAINERS,
                        Defaults.EXCLUDE_CONTAINERS, Sidecar.DEFAULT));

        Map<String, Bucket> buckets = new LinkedHashMap<>();
        List<NodeMountPaths.Declared> nodeMountPaths = new ArrayList<>();
        List<DeclaredBucket> bucketList = top.list("buckets", item -> item.fields(BUCKET)
                .flatMap(f -> bucket(f, item.path(), defaults)));
        if (!top.has("buckets")) {
            top.error("buckets", "is required: list the buckets pods may mount");
        }
        for (DeclaredBucket declared : bucketList) {
            Bucket bucket = declared.bucket();
            if (buckets.putIfAbsent(bucket.name(), bucket) != null) {
                errors.add(top.path("buckets") + " lists bucket '" + bucket.name() + "' twice");
            } else {
                declared.nodeMountPath().ifPresent(nodeMountPaths::add);
            }
        }
        errors.addAll(NodeMountPaths.overlaps(nodeMountPaths));
        errors.addAll(MountReadyLabels.problems(buckets.values()));
        if (defaults.mayChoose(Mode.SIDECAR)) {
            buckets.values().stream().filter(b -> b.sidecar().image().isEmpty()).forEach(b -> errors.add(
                    "buckets '" + b.name() + "' sidecar.image is required (here or in defaults.sidecar.image): mode "
                            + defaults.mode().label() + (defaults.allowModeOverride() ? " with pod overrides" : "")
                            + " may run a mount-s3 sidecar"));
        }
        List<Binding> bindings = top.list("bindings", item -> item.fields(BINDING).flatMap(f -> binding(f, item.path(), buckets)));
        List<AllowedHostPath> allowedHostPaths = top.object("guard", GUARD)
                .map(g -> g.list("allowedHostPaths", item -> item.fields(ALLOWED_HOST_PATH)
                        .flatMap(f -> allowedHostPath(f, buckets.values()))))
                .orElse(List.of());
        return Optional.of(new PolicySnapshot(defaults, buckets, bindings, allowedHostPaths));
    }

    /**
     * A host path every pod of an s3jars namespace may mount: never a bucket's node mount path (the
     * guard's whole point), nor a system path or a parent of one.
     */
    private static Optional<AllowedHostPath> allowedHostPath(PolicyFields f, Collection<Bucket> buckets) {
        Optional<String> prefix = f.requiredString("pathPrefix", path -> Names.absolutePathProblem(path)
                .or(() -> SystemPaths.problem(path, SystemPaths.Side.NODE))
                .or(() -> nodeMountPathOverlap(path, buckets)));
        boolean readOnly = f.bool("readOnly").orElse(false);
        return prefix.map(p -> new AllowedHostPath(p, readOnly));
    }

    private static Optional<String> nodeMountPathOverlap(String path, Collection<Bucket> buckets) {
        List<String> nodePaths = new ArrayList<>(List.of(Bucket.DEFAULT_NODE_MOUNT_PATH));
        buckets.forEach(b -> nodePaths.add(b.nodeMountPath()));
        for (String nodePath : nodePaths) {
            if (path.equals(nodePath) || path.startsWith(nodePath + "/") || nodePath.startsWith(path + "/")) {
                return Optional.of("overlaps the node mount path " + nodePath + ": buckets are mounted through s3jars"
                        + " only, never as an allowed host path");
            }
        }
        return Optional.empty();
    }

    private static Defaults defaults(PolicyFields f) {
        Mode mode = f.string("mode", PolicyParser::modeProblem).flatMap(Mode::parse).orElse(Mode.AUTO);
        String mountPath = f.string("mountPath", p -> mountPathProblem(p, SystemPaths.Side.CONTAINER)).orElse("/mnt/s3");
        boolean override = f.bool("allowModeOverride").orElse(true);
        List<String> spark = f.strings("sparkContainers", false, PolicyParser::containerProblem)
                .orElse(Defaults.SPARK_CONTAINERS);
        List<String> exclude = f.strings("excludeContainers", false, PolicyParser::containerProblem)
                .orElse(Defaults.EXCLUDE_CONTAINERS);
        Sidecar sidecar = f.object("sidecar", SIDECAR).map(s -> sidecar(s, Sidecar.DEFAULT)).orElse(Sidecar.DEFAULT);
        List<Mode> autoOrder = f.strings("autoOrder", false, PolicyParser::autoOrderProblem)
                .map(names -> names.stream().map(n -> Mode.parse(n).orElseThrow()).distinct().toList())
                .orElse(Defaults.AUTO_ORDER);
        if (f.has("autoOrder") && !autoOrder.contains(Mode.SIDECAR)) {
            f.error("autoOrder", "must include sidecar, the one mode that needs nothing of the cluster");
        }
        boolean manageCsiVolumes = f.object("csi", CSI_DEFAULTS).flatMap(c -> c.bool("manageVolumes")).orElse(true);
        return new Defaults(mode, mountPath, override, spark, exclude, sidecar, autoOrder, manageCsiVolumes);
    }

    /**
     * A bucket read from the document.
     *
     * @param nodeMountPath where the document puts it, for the overlap check; empty when that path is
     *                      invalid, which is reported already
     */
    private record DeclaredBucket(Bucket bucket, Optional<NodeMountPaths.Declared> nodeMountPath) {
    }

    private static Optional<DeclaredBucket> bucket(PolicyFields f, String path, Defaults defaults) {
        Optional<String> name = f.requiredString("name", Names::bucketProblem);
        Optional<String> region = f.string("region", Names::regionProblem);
        Optional<String> prefix = f.string("prefix", PolicyParser::prefixProblem);
        Optional<String> nodeMountPath = f.string("nodeMountPath", NodeMountPaths::problem);
        Optional<Map<String, String>> labels = f.stringMap("mountReadyLabels", Names::labelKeyProblem,
                Names::labelValueProblem);
        if (labels.isPresent() && labels.get().isEmpty()) {
            f.error("mountReadyLabels", "must have at least one label (omit it for the default)");
        }
        Sidecar sidecar = f.object("sidecar", SIDECAR).map(s -> sidecar(s, defaults.sidecar()))
                .orElse(defaults.sidecar());
        Optional<String> claimName = f.object("csi", CSI).flatMap(c -> c.string("claimName", Names::dnsSubdomainProblem));
        NodeSide node = f.object("node", NODE).map(PolicyParser::nodeSide).orElse(NodeSide.DEFAULT);
        boolean byDefault = !f.has("nodeMountPath");
        return name.map(n -> new DeclaredBucket(new Bucket(n, region, prefix,
                nodeMountPath.orElse(Bucket.DEFAULT_NODE_MOUNT_PATH),
                labels.filter(l -> !l.isEmpty()).orElse(Map.of(Bucket.defaultMountReadyLabel(n), "ready")), sidecar,
                f.has("csi") ? new Csi(claimName.orElse(Csi.defaultFor(n).claimName()), true) : Csi.defaultFor(n),
                node),
                nodeMountPath.or(() -> byDefault ? Optional.of(Bucket.DEFAULT_NODE_MOUNT_PATH) : Optional.empty())
                        .map(p -> new NodeMountPaths.Declared(path, n, p, byDefault))));
    }

    private static NodeSide nodeSide(PolicyFields f) {
        Map<String, String> selector = f.stringMap("selector", Names::labelKeyProblem, Names::labelValueProblem)
                .orElse(Map.of());
        long cacheSizeMiB = f.integer("cacheSizeMiB", 1, MAX_CACHE_SIZE_MIB).orElse(NodeSide.DEFAULT_CACHE_SIZE_MIB);
        return new NodeSide(selector, cacheSizeMiB);
    }

    private static Optional<String> autoOrderProblem(String mode) {
        return Mode.parse(mode).filter(Mode::isConcrete).isPresent() ? Optional.empty()
                : Optional.of("must be hostpath, csi or sidecar");
    }

    private static Sidecar sidecar(PolicyFields f, Sidecar base) {
        Optional<String> image = f.string("image", PolicyParser::imageProblem).or(base::image);
        String pull = f.string("imagePullPolicy", p -> PULL_POLICIES.contains(p) ? Optional.empty()
                : Optional.of("must be one of Always, IfNotPresent, Never")).orElse(base.imagePullPolicy());
        boolean nativeSidecar = f.bool("nativeSidecar").orElse(base.nativeSidecar());
        Optional<Long> ownUid = f.integer("uid", 0, Integer.MAX_VALUE);
        long uid = ownUid.orElse(base.uid());
        long gid = f.integer("gid", 0, Integer.MAX_VALUE).orElse(base.gid());
        boolean allowRoot = f.bool("allowRootSidecar").orElse(base.allowRootSidecar());
        rootProblem(f, ownUid.isPresent(), uid, allowRoot);
        long cacheSizeMiB = f.integer("cacheSizeMiB", 1, MAX_CACHE_SIZE_MIB).orElse(base.cacheSizeMiB());
        Map<String, String> requests = base.requests();
        Map<String, String> limits = base.limits();
        Optional<PolicyFields> resources = f.object("resources", RESOURCES);
        if (resources.isPresent()) {
            requests = resources.get().stringMap("requests", PolicyParser::resourceNameProblem, Names::quantityProblem)
                    .orElse(requests);
            limits = resources.get().stringMap("limits", PolicyParser::resourceNameProblem, Names::quantityProblem)
                    .orElse(limits);
        }
        return new Sidecar(image, pull, nativeSidecar, uid, gid, allowRoot, cacheSizeMiB, requests, limits);
    }

    /**
     * Root-owned files ({@code uid: 0}) need {@code allowRootSidecar: true} in the same settings,
     * after inheritance. Reported in the mapping that sets uid or allowRootSidecar; a mapping that
     * sets neither inherits a problem already reported in defaults.sidecar.
     */
    private static void rootProblem(PolicyFields f, boolean uidSetHere, long uid, boolean allowRoot) {
        if (uid != 0 || allowRoot) {
            return;
        }
        if (uidSetHere) {
            f.error("uid", "0 makes root the owner of every mounted file; use the Spark image's user (185), or set"
                    + " allowRootSidecar: true in the same sidecar settings if root must own them");
        } else if (f.has("allowRootSidecar")) {
            f.error("allowRootSidecar", "is false, but uid 0 comes from defaults.sidecar; set uid here, such as the"
                    + " Spark image's user (185), or leave allowRootSidecar out");
        }
    }

    private static Optional<Binding> binding(PolicyFields f, String path, Map<String, Bucket> buckets) {
        String name = f.string("name", n -> n.isBlank() ? Optional.of("must not be blank") : Optional.empty())
                .orElse(path);
        List<String> namespaces = f.strings("namespaces", true, Names::namespacePatternProblem).orElse(List.of());
        List<String> accounts = f.strings("serviceAccounts", false, Names::serviceAccountProblem).orElse(List.of());
        if (f.has("serviceAccounts") && accounts.isEmpty()) {
            f.error("serviceAccounts", "must list at least one service account (omit it to allow any)");
        }
        List<String> granted = f.strings("buckets", true, b -> Names.bucketProblem(b).or(() ->
                buckets.containsKey(b) ? Optional.empty() : Optional.of("is not declared under buckets")))
                .orElse(List.of());
        return Optional.of(new Binding(name, namespaces, Set.copyOf(accounts), granted));
    }

    private static Optional<String> modeProblem(String mode) {
        return Mode.parse(mode).isPresent() ? Optional.empty() : Optional.of("must be one of " + Mode.choices());
    }

    private static Optional<String> mountPathProblem(String path, SystemPaths.Side side) {
        return Names.absolutePathProblem(path).or(() -> SystemPaths.problem(path, side));
    }

    private static Optional<String> containerProblem(String name) {
        return Names.isDnsLabel(name) ? Optional.empty() : Optional.of("is not a valid container name");
    }

    /**
     * The prefix is passed to mount-s3 as {@code --prefix <prefix>}, so it must be a plain S3 key
     * prefix: one starting with '-' would be read as an option ({@code --allow-delete/}). S3 would
     * take '.', '..' and empty segments literally where the author surely meant a path, so they are
     * refused as mistakes.
     */
    private static Optional<String> prefixProblem(String prefix) {
        String example = ", such as jars/";
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not contain control characters (newline, tab, ...): write the key prefix as plain"
                    + " text" + example);
        }
        if (prefix.startsWith("/")) {
            return Optional.of("must not start with '/': write the key prefix as S3 keys start" + example);
        }
        if (prefix.startsWith("-")) {
            return Optional.of("must not start with '-': mount-s3 would take it for one of its options; write the key"
                    + " prefix" + example);
        }
        if (!prefix.endsWith("/")) {
            return Optional.of("must end with '/': mount-s3 mounts the folder of keys under it" + example);
        }
        if (prefix.contains("//")) {
            return Optional.of("must not contain '//' (an empty segment): write each folder once" + example);
        }
        for (String segment : prefix.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must not contain '.' or '..' segments: S3 keys have no relative folders; write the"
                        + " key prefix as stored" + example);
            }
        }
        int bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        return bytes <= MAX_KEY_BYTES ? Optional.empty() : Optional.of("is " + bytes + " bytes in UTF-8, more than an"
                + " S3 key may have (" + MAX_KEY_BYTES + "); shorten it");
    }

    private static Optional<String> imageProblem(String image) {
        return !image.isEmpty() && image.chars().noneMatch(Character::isWhitespace) ? Optional.empty()
                : Optional.of("is not an image reference");
    }

    private static Optional<String> resourceNameProblem(String name) {
        return name.matches("[a-z0-9.-]+(/[a-z0-9.-]+)?") ? Optional.empty()
                : Optional.of("is not a resource name such as cpu or memory");
    }
}
