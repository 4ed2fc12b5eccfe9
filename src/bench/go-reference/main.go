// A reference mutating webhook written the way Go webhooks usually are (net/http, encoding/json
// into maps), doing the same hostPath work as s3jars: opt-in and namespace checks, then a JSON
// Patch adding the hostPath volume, a read-only mount in every Spark container, the mount-ready
// node affinity (into every existing term) and the status annotation. With -floor it only reads
// the body and answers a fixed review: the cost of TLS and HTTP alone.
package main

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
)

var allowed = map[string]map[string]bool{"spark-team-a": {"spark-jars-bucket": true}}
var sparkContainers = map[string]bool{"spark-kubernetes-driver": true, "spark-kubernetes-executor": true, "executor": true}

const label = "mountpoint.s3jars.io/spark-jars-bucket"

func main() {
	addr := flag.String("addr", ":9443", "listen address")
	cert := flag.String("cert", "tls.crt", "certificate")
	key := flag.String("key", "tls.key", "key")
	floor := flag.Bool("floor", false, "answer a fixed body only")
	flag.Parse()
	handler := http.HandlerFunc(mutate)
	if *floor {
		handler = fixed
	}
	server := &http.Server{Addr: *addr, Handler: handler,
		TLSConfig:    &tls.Config{MinVersion: tls.VersionTLS12},
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}}
	log.Fatal(server.ListenAndServeTLS(*cert, *key))
}

func fixed(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"x","allowed":true}}`))
}

func mutate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review map[string]interface{}
	if err := json.Unmarshal(body, &review); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	request, _ := review["request"].(map[string]interface{})
	if request == nil {
		http.Error(w, "no request", http.StatusBadRequest)
		return
	}
	response := map[string]interface{}{"uid": request["uid"], "allowed": true}
	pod, _ := request["object"].(map[string]interface{})
	namespace, _ := request["namespace"].(string)
	meta, _ := pod["metadata"].(map[string]interface{})
	labels, _ := meta["labels"].(map[string]interface{})
	role, _ := labels["spark-role"].(string)
	if (role == "driver" || role == "executor") && labels["s3jars.io/inject"] == "true" {
		bucket, _ := labels["s3jars.io/bucket"].(string)
		if !allowed[namespace][bucket] {
			response["allowed"] = false
			response["status"] = map[string]interface{}{"code": 403,
				"message": "namespace " + namespace + " may not use bucket " + bucket}
		} else {
			patch, _ := json.Marshal(hostPathPatch(pod, bucket))
			response["patchType"] = "JSONPatch"
			response["patch"] = base64.StdEncoding.EncodeToString(patch)
		}
	}
	out, _ := json.Marshal(map[string]interface{}{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
		"response": response})
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

func hostPathPatch(pod map[string]interface{}, bucket string) []map[string]interface{} {
	spec, _ := pod["spec"].(map[string]interface{})
	volumeName := "s3jars-mnt-" + strings.ReplaceAll(bucket, ".", "-")
	volume := map[string]interface{}{"name": volumeName, "hostPath": map[string]interface{}{"path": "/mnt/s3", "type": "Directory"}}
	var ops []map[string]interface{}
	if _, ok := spec["volumes"].([]interface{}); ok {
		ops = append(ops, add("/spec/volumes/-", volume))
	} else {
		ops = append(ops, add("/spec/volumes", []interface{}{volume}))
	}
	mount := map[string]interface{}{"name": volumeName, "mountPath": "/mnt/s3", "readOnly": true, "mountPropagation": "HostToContainer"}
	containers, _ := spec["containers"].([]interface{})
	for i, c := range containers {
		container, _ := c.(map[string]interface{})
		if name, _ := container["name"].(string); !sparkContainers[name] {
			continue
		}
		prefix := "/spec/containers/" + strconv.Itoa(i) + "/volumeMounts"
		if _, ok := container["volumeMounts"].([]interface{}); ok {
			ops = append(ops, add(prefix+"/-", mount))
		} else {
			ops = append(ops, add(prefix, []interface{}{mount}))
		}
	}
	expression := map[string]interface{}{"key": label, "operator": "In", "values": []interface{}{"ready"}}
	affinity, _ := spec["affinity"].(map[string]interface{})
	nodeAffinity, _ := affinity["nodeAffinity"].(map[string]interface{})
	required, _ := nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"].(map[string]interface{})
	terms, _ := required["nodeSelectorTerms"].([]interface{})
	if len(terms) == 0 {
		ops = append(ops, add("/spec/affinity", map[string]interface{}{"nodeAffinity": map[string]interface{}{
			"requiredDuringSchedulingIgnoredDuringExecution": map[string]interface{}{
				"nodeSelectorTerms": []interface{}{map[string]interface{}{"matchExpressions": []interface{}{expression}}}}}}))
	} else {
		for i := range terms {
			ops = append(ops, add("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/"+
				strconv.Itoa(i)+"/matchExpressions/-", expression))
		}
	}
	status := `{"mode":"hostpath","buckets":["` + bucket + `"]}`
	if _, ok := meta(pod)["annotations"].(map[string]interface{}); ok {
		ops = append(ops, add("/metadata/annotations/s3jars.io~1status", status))
	} else {
		ops = append(ops, add("/metadata/annotations", map[string]interface{}{"s3jars.io/status": status}))
	}
	return ops
}

func meta(pod map[string]interface{}) map[string]interface{} {
	m, _ := pod["metadata"].(map[string]interface{})
	return m
}

func add(path string, value interface{}) map[string]interface{} {
	return map[string]interface{}{"op": "add", "path": path, "value": value}
}

