package io.s3jars.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void readsMountPointsAndTypesFromMountinfoIncludingEscapedSpacesAndOptionalFields() {
        String mountinfo = """
                22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
                36 22 0:32 / /mnt/s3 ro,nosuid,nodev,relatime shared:20 master:3 - fuse.mount-s3 mountpoint-s3 ro,user_id=0
                37 22 0:33 / /mnt/with\\040space rw,relatime - fuse s3fs rw
                38 22 0:34 / /proc rw - proc proc rw
                not a mountinfo line
                """;
        var mounts = MountTable.parse(mountinfo);
        assertThat(mounts).containsEntry("/mnt/s3", "fuse.mount-s3").containsEntry("/mnt/with space", "fuse")
                .containsEntry("/proc", "proc").containsEntry("/", "ext4").hasSize(4);
        assertThat(MountTable.isFuse("fuse.mount-s3")).isTrue();
        assertThat(MountTable.isFuse("fuse")).isTrue();
        assertThat(MountTable.isFuse("fuseblk2")).isFalse();
        assertThat(MountTable.isFuse("ext4")).isFalse();
    }
}
