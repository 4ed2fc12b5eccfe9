// Soak load for s3jars: POSTs AdmissionReviews to /mutate at a fixed rate over kept-alive HTTPS
// connections (HTTP/1.1, as the API server does), checks every answer against what its kind of
// review must get, and prints latency per minute. Latency is measured from the moment a request was
// due, so a server that falls behind shows it (no coordinated omission).
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Out of every 10 requests: 5 hostpath (auto), 2 sidecar, 1 denied, 2 not opted in, as in src/bench/mix.lua.
var mix = []string{"hostpath", "hostpath", "sidecar", "hostpath", "skipped", "hostpath", "denied", "sidecar", "hostpath", "skipped"}

type job struct {
	due  time.Time
	kind string
}

type minute struct {
	latencies []float64
	errors    int
}

type stats struct {
	sync.Mutex
	minutes                    map[int]*minute
	transport, status, content int
	outcomes                   map[string]int
	samples                    []string
}

func main() {
	url := flag.String("url", "https://localhost:8443/mutate", "webhook URL")
	ca := flag.String("ca", "ca.crt", "CA certificate to trust")
	inputs := flag.String("inputs", ".", "directory with hostpath.json, sidecar.json, denied.json, skipped.json")
	rate := flag.Float64("rate", 500, "requests per second")
	duration := flag.Duration("duration", time.Minute, "how long to send")
	conns := flag.Int("conns", 8, "kept-alive connections")
	flag.Parse()

	bodies := map[string][]byte{}
	for _, kind := range []string{"hostpath", "sidecar", "denied", "skipped"} {
		body, err := os.ReadFile(*inputs + "/" + kind + ".json")
		must(err)
		bodies[kind] = body
	}
	var review struct{ Request struct{ UID string } }
	must(json.Unmarshal(bodies["hostpath"], &review))
	pem, err := os.ReadFile(*ca)
	must(err)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots}, MaxConnsPerHost: *conns, MaxIdleConnsPerHost: *conns,
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{}}}

	s := &stats{minutes: map[int]*minute{}, outcomes: map[string]int{}}
	jobs := make(chan job, 100_000)
	start := time.Now()
	var workers sync.WaitGroup
	for i := 0; i < *conns; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				outcome, kindOfError, problem := send(client, *url, bodies[j.kind], j.kind, review.Request.UID)
				s.record(int(j.due.Sub(start)/time.Minute), float64(time.Since(j.due).Microseconds())/1000, outcome, kindOfError, problem)
			}
		}()
	}
	interval := time.Duration(float64(time.Second) / *rate)
	sent := 0
	for due := start; due.Before(start.Add(*duration)); due = due.Add(interval) {
		time.Sleep(time.Until(due))
		jobs <- job{due, mix[sent%len(mix)]}
		sent++
	}
	close(jobs)
	workers.Wait()
	s.report(sent, time.Since(start))
}

// send returns the answer's outcome, or which kind of error it was and why.
func send(client *http.Client, url string, body []byte, kind, uid string) (string, string, string) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return "", "transport", err.Error()
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", "transport", err.Error()
	}
	if resp.StatusCode != 200 {
		return "", "status", fmt.Sprintf("%s: HTTP %d %s", kind, resp.StatusCode, answer)
	}
	outcome, problem := check(answer, kind, uid)
	if problem != "" {
		return "", "content", kind + ": " + problem
	}
	return outcome, "", ""
}

// check says what a review of this kind must get back: the same uid, then allowed with a patch
// (auto may pick either mode, as nodes come and go), a 403 denial, or allowed untouched.
func check(answer []byte, kind, uid string) (string, string) {
	var review struct {
		APIVersion, Kind string
		Response         struct {
			UID     string
			Allowed bool
			Patch   string
			Status  struct {
				Code    int
				Message string
			}
		}
	}
	if err := json.Unmarshal(answer, &review); err != nil {
		return "", "not JSON: " + err.Error()
	}
	r := review.Response
	if review.APIVersion != "admission.k8s.io/v1" || review.Kind != "AdmissionReview" || r.UID != uid {
		return "", "not this review's AdmissionReview: " + string(answer)
	}
	switch kind {
	case "denied":
		if r.Allowed || r.Status.Code != 403 || !strings.Contains(r.Status.Message, "may not use bucket spark-jars-bucket") {
			return "", "expected a 403 denial: " + string(answer)
		}
		return "denied", ""
	case "skipped":
		if !r.Allowed || r.Patch != "" {
			return "", "expected allowed without a patch: " + string(answer)
		}
		return "skipped", ""
	}
	if !r.Allowed || r.Patch == "" {
		return "", "expected a patch: " + string(answer)
	}
	decoded, err := base64.StdEncoding.DecodeString(r.Patch)
	var patch interface{}
	if err == nil {
		err = json.Unmarshal(decoded, &patch)
	}
	if err != nil {
		return "", "patch is not base64 JSON: " + r.Patch
	}
	mode, image := inspect(patch)
	switch {
	case kind == "sidecar" && mode != "sidecar", mode != "sidecar" && mode != "hostpath":
		return "", "unexpected mode " + mode + " in " + string(decoded)
	case mode == "sidecar" && !strings.HasPrefix(image, "public.ecr.aws/example/mount-s3:"):
		return "", "unexpected sidecar image " + image
	}
	pod := map[string]string{"hostpath": "auto pod", "sidecar": "sidecar pod"}[kind]
	if mode == "sidecar" {
		return pod + " -> sidecar " + image[strings.LastIndex(image, ":")+1:], ""
	}
	return pod + " -> hostpath", ""
}

// inspect finds the mode in the s3jars.io/status annotation and the image of the mount-s3 container.
func inspect(node interface{}) (mode, image string) {
	switch v := node.(type) {
	case map[string]interface{}:
		if name, _ := v["name"].(string); strings.HasPrefix(name, "s3jars-mount-") {
			image, _ = v["image"].(string)
		}
		if status, ok := v["s3jars.io/status"].(string); ok {
			mode = modeOf(status)
		}
		if path, _ := v["path"].(string); strings.HasSuffix(path, "s3jars.io~1status") {
			status, _ := v["value"].(string)
			mode = modeOf(status)
		}
		for _, child := range v {
			m, i := inspect(child)
			mode, image = first(mode, m), first(image, i)
		}
	case []interface{}:
		for _, child := range v {
			m, i := inspect(child)
			mode, image = first(mode, m), first(image, i)
		}
	}
	return mode, image
}

func modeOf(status string) string {
	var s struct{ Mode string }
	json.Unmarshal([]byte(status), &s)
	return s.Mode
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *stats) record(min int, millis float64, outcome, kindOfError, problem string) {
	s.Lock()
	defer s.Unlock()
	m := s.minutes[min]
	if m == nil {
		m = &minute{}
		s.minutes[min] = m
	}
	m.latencies = append(m.latencies, millis)
	switch kindOfError {
	case "":
		s.outcomes[outcome]++
		return
	case "transport":
		s.transport++
	case "status":
		s.status++
	case "content":
		s.content++
	}
	m.errors++
	if len(s.samples) < 5 {
		s.samples = append(s.samples, problem)
	}
}

func (s *stats) report(sent int, took time.Duration) {
	fmt.Printf("%-7s %9s %7s %8s %8s %8s\n", "minute", "requests", "errors", "p50_ms", "p99_ms", "max_ms")
	for min := 0; s.minutes[min] != nil; min++ {
		l := s.minutes[min].latencies
		sort.Float64s(l)
		fmt.Printf("%-7d %9d %7d %8.2f %8.2f %8.2f\n", min+1, len(l), s.minutes[min].errors,
			l[len(l)/2], l[len(l)*99/100], l[len(l)-1])
	}
	var outcomes []string
	for outcome, n := range s.outcomes {
		outcomes = append(outcomes, fmt.Sprintf("%s: %d", outcome, n))
	}
	sort.Strings(outcomes)
	fmt.Printf("answers: %s\n", strings.Join(outcomes, ", "))
	for _, sample := range s.samples {
		fmt.Printf("error: %.300s\n", sample)
	}
	fmt.Printf("RESULT requests=%d seconds=%.1f errors=%d transport=%d status=%d content=%d\n", sent, took.Seconds(),
		s.transport+s.status+s.content, s.transport, s.status, s.content)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
