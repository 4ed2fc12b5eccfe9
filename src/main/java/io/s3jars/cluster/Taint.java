package io.s3jars.cluster;

/** A node taint whose effect keeps pods away: NoSchedule or NoExecute. PreferNoSchedule never blocks. */
public record Taint(String key, String value, String effect) {

    public static boolean blocksScheduling(String effect) {
        return "NoSchedule".equals(effect) || "NoExecute".equals(effect);
    }
}
