#!/usr/bin/env python3
"""Where a JVM's resident memory is, from /proc/PID/smaps: the Java heap, class-data sharing
archives, the JVM's and JDK's own code, and the rest (anonymous memory: metaspace, code cache,
thread stacks, malloc, Netty's buffers; native memory tracking names those).

    src/bench/resident.py PID

Native memory tracking reports committed memory, which is not resident: a heap committed at
230 MiB may have touched half of it. This reports what is resident, by mapping.
"""
import re
import subprocess
import sys


def heap_range(pid):
    """The lowest and highest address of the heap's generations, from jcmd GC.heap_info."""
    info = subprocess.run(["jcmd", pid, "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    addresses = [int(a, 16) for a in re.findall(r"0x[0-9a-f]+", info)]
    return min(addresses), max(addresses)


def mappings(pid):
    """Yields (start, end, path, resident KiB) for each mapping in /proc/PID/smaps."""
    start = end = path = None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
            if head:
                start, end, path = int(head.group(1), 16), int(head.group(2), 16), head.group(3)
            elif line.startswith("Rss:"):
                yield start, end, path, int(line.split()[1])


def main():
    pid = sys.argv[1]
    low, high = heap_range(pid)
    kinds = {"Java heap": 0, "class-data sharing archives": 0, "JVM and JDK code (.so, java)": 0,
             "other files": 0, "anonymous (metaspace, code cache, stacks, malloc, Netty)": 0}
    for start, end, path, rss in mappings(pid):
        if low <= start < high:
            kinds["Java heap"] += rss
        elif path.endswith(".jsa"):
            kinds["class-data sharing archives"] += rss
        elif path.endswith(".so") or ".so." in path or path.endswith("/java"):
            kinds["JVM and JDK code (.so, java)"] += rss
        elif path.startswith("/"):
            kinds["other files"] += rss
        else:
            kinds["anonymous (metaspace, code cache, stacks, malloc, Netty)"] += rss
    print(f"{sum(kinds.values()) / 1024:10.1f} MiB  resident in all")
    for kind, kib in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"{kib / 1024:10.1f} MiB  {kind}")


main()
