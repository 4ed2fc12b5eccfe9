#!/usr/bin/env python3
"""Writes the benchmark's inputs into DIR: AdmissionReviews of the real Spark executor for each
kind of answer, node lists of several sizes, and a policy with 10,000 bindings."""
import copy
import json
import sys

out = sys.argv[1]
review = json.load(open("src/test/resources/spark-pods/review-b-executor-1.json"))


def write(name, data):
    with open(f"{out}/{name}", "w") as f:
        json.dump(data, f)


write("hostpath.json", review)
sidecar = copy.deepcopy(review)
sidecar["request"]["object"]["metadata"].setdefault("annotations", {})["s3jars.io/mode"] = "sidecar"
write("sidecar.json", sidecar)
denied = copy.deepcopy(review)
denied["request"]["namespace"] = "spark-team-b"
write("denied.json", denied)
skipped = copy.deepcopy(review)
skipped["request"]["object"]["metadata"]["labels"]["s3jars.io/inject"] = "false"
write("skipped.json", skipped)

for count in (10, 1000, 5000):
    items = []
    for i in range(count):
        labels = {"kubernetes.io/hostname": f"node-{i}", "topology.kubernetes.io/zone": f"us-west-2{'abc'[i % 3]}"}
        if i % 10 != 9:  # one node in ten has no live mount
            labels["mountpoint.s3jars.io/spark-jars-bucket"] = "ready"
        taints = [{"key": "spark-compute-optimized", "effect": "NoSchedule"}] if i % 4 == 0 else []
        items.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i}", "labels": labels},
                      "spec": {"taints": taints},
                      "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    write(f"nodes-{count}.json", {"apiVersion": "v1", "kind": "List", "items": items})

policy = open("examples/policy.yaml").read()
bindings = "".join(f"  - name: team-{i}\n    namespaces: [team-{i}, \"team-{i}-*\"]\n    buckets: [spark-jars-bucket]\n"
                   for i in range(10_000))
with open(f"{out}/policy-10000.yaml", "w") as f:
    f.write(policy + bindings)
