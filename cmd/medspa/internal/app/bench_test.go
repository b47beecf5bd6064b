package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/testkit"
)

// BenchmarkWebhookToReply measures the spine end to end: a signed Telnyx
// webhook in, the reply handed to the carrier stub. Each of 64 simulated
// leads sends its next text when the previous reply arrives (closed loop),
// for 1,000+ messages in all. It reports the median and p99 latency from
// the webhook post to the stub receiving the reply, and messages per second.
//
//	go test ./cmd/medspa/internal/app -run '^$' -bench WebhookToReply -benchtime 1x
//	TEST_DATABASE_URL=... go test ./cmd/medspa/internal/app -run '^$' -bench WebhookToReply/postgres -benchtime 1x
func BenchmarkWebhookToReply(b *testing.B) {
	for _, sk := range stores {
		b.Run(sk.name, func(b *testing.B) { benchSpine(b, sk) })
	}
}

func benchSpine(b *testing.B, sk storeKind) {
	const leads, perLead = 64, 16 // 1,024 messages per iteration
	bt := b
	cfg, priv, tel := newConfig(bt, sk.url(bt))
	cfg.SendRatePerNumber, cfg.SendBurst = 1e6, 1e6 // measure the engine, not the 10DLC throttle
	replies := make(map[string]chan time.Time, leads)
	for i := range leads {
		replies[leadNumber(i)] = make(chan time.Time, perLead*2)
	}
	tel.OnSend = func(m testkit.SentSMS) {
		if ch, ok := replies[m.To]; ok {
			ch <- m.At
		}
	}
	sys := start(bt, cfg, priv, tel)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: leads}, Timeout: 10 * time.Second}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		var mu sync.Mutex
		var lat []time.Duration
		began := time.Now()
		var wg sync.WaitGroup
		for i := range leads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lead := leadNumber(i)
				for j := range perLead {
					body := testkit.TelnyxMessage(fmt.Sprintf("bench-%d-%d-%d", it, i, j), lead, clinicNumber, "How much is Botox?", time.Now())
					sent := time.Now()
					status, resp := testkit.Post(b, client, sys.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(priv, body, sent), body)
					if status != http.StatusOK {
						b.Errorf("webhook: %d %s", status, resp)
						return
					}
					select {
					case at := <-replies[lead]:
						mu.Lock()
						lat = append(lat, at.Sub(sent))
						mu.Unlock()
					case <-time.After(10 * time.Second):
						b.Errorf("no reply for lead %d message %d", i, j)
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(began)
		slices.Sort(lat)
		if len(lat) == 0 {
			b.Fatal("no replies")
		}
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(len(lat)), "msgs")
	}
	b.StopTimer()
	dumpMetrics(b, sys.baseURL)
	sys.stop()
}

func leadNumber(i int) string { return fmt.Sprintf("+1312555%04d", 1000+i) }

// BenchmarkSpeedToLeadWebForm measures speed to lead: 500 web form
// submissions from new leads, 16 leads at a time: each of 16 visitors
// submits the form, waits for the first text on their phone, and the next
// visitor takes their place. The latency runs from the POST to the first
// text reaching the carrier stub.
//
// BenchmarkWebFormBurst posts the same 500 forms as fast as 16 connections
// can, without waiting for the texts: the load then runs above what one
// clinic's partition drains, and its p99 is the time to drain the backlog,
// not a lead's wait at the rate leads arrive.
//
// Both first submit 32 forms the same way, 16 at a time, to reach the
// paths a start leaves cold; the slowest of them is reported as
// cold-max-ms, and the percentiles are of the 500 after them.
//
//	go test ./cmd/medspa/internal/app -run '^$' -bench 'SpeedToLead|WebFormBurst' -benchtime 1x
func BenchmarkSpeedToLeadWebForm(b *testing.B) { benchWebForms(b, true) }

// BenchmarkWebFormBurst: see BenchmarkSpeedToLeadWebForm.
func BenchmarkWebFormBurst(b *testing.B) { benchWebForms(b, false) }

func benchWebForms(b *testing.B, waitForText bool) {
	for _, sk := range stores {
		b.Run(sk.name, func(b *testing.B) {
			const leads, workers = 500, 16
			cfg, priv, tel := newConfig(b, sk.url(b))
			cfg.WebLeadLimitIP = gateway.RateLimit{Burst: 1 << 20, Per: time.Millisecond}
			cfg.WebLeadLimitClinic = gateway.RateLimit{Burst: 1 << 20, Per: time.Millisecond}
			cfg.WebLeadLimitGlobal = gateway.RateLimit{Burst: 1 << 20, Per: time.Millisecond}
			cfg.SendRatePerNumber, cfg.SendBurst = 1e6, 1e6 // measure the engine, not the 10DLC throttle
			var mu sync.Mutex
			arrived := map[string]time.Time{}
			waiting := map[string]chan struct{}{}
			tel.OnSend = func(m testkit.SentSMS) {
				mu.Lock()
				if _, ok := arrived[m.To]; !ok {
					arrived[m.To] = m.At
					if ch, ok := waiting[m.To]; ok {
						close(ch)
					}
				}
				mu.Unlock()
			}
			sys := start(b, cfg, priv, tel)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
			// round submits n forms from new numbers with prefix, 16 at a
			// time, and returns the sorted latencies to the first texts.
			round := func(prefix string, n int) []time.Duration {
				sent := make([]time.Time, n)
				numbers := make([]string, n)
				next := make(chan int)
				var wg sync.WaitGroup
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range next {
							numbers[i] = fmt.Sprintf("%s%04d", prefix, i)
							texted := make(chan struct{})
							mu.Lock()
							waiting[numbers[i]] = texted
							mu.Unlock()
							body := fmt.Sprintf(`{"clinic_id":"glow-chicago","name":"Bench Lead","phone":%q,"service":"botox","consent":true,"consent_text":"I agree to texts."}`, numbers[i])
							h := http.Header{}
							h.Set("Content-Type", "application/json")
							sent[i] = time.Now()
							if status, resp := testkit.Post(b, client, sys.baseURL+"/leads/web", h, []byte(body)); status != http.StatusAccepted {
								b.Errorf("web lead: %d %s", status, resp)
								continue
							}
							if !waitForText {
								continue
							}
							select {
							case <-texted:
							case <-time.After(30 * time.Second):
								b.Errorf("lead %d got no text", i)
							}
						}
					}()
				}
				for i := range n {
					next <- i
				}
				close(next)
				wg.Wait()
				return firstTexts(b, &mu, arrived, numbers, sent)
			}
			// The first leads after a start meet cold paths: Postgres
			// connections opened, statements prepared, the clinic's actor
			// started. They are measured apart (cold-max-ms), so that the
			// percentiles are those of a running system.
			cold := round("+1772200", 2*workers)
			b.ResetTimer() // also clears reported metrics: cold-max-ms is reported after the runs
			for it := 0; it < b.N; it++ {
				began := time.Now()
				lat := round(fmt.Sprintf("+1773%03d", 200+it), leads)
				elapsed := time.Since(began)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(leads)/elapsed.Seconds(), "leads/s")
			}
			b.ReportMetric(float64(cold[len(cold)-1].Microseconds())/1000, "cold-max-ms")
			dumpMetrics(b, sys.baseURL)
		})
	}
}

// firstTexts waits up to 30 s for every number's first text and returns the
// sorted latencies from sent to arrival.
func firstTexts(b *testing.B, mu *sync.Mutex, arrived map[string]time.Time, numbers []string, sent []time.Time) []time.Duration {
	deadline := time.Now().Add(30 * time.Second)
	var lat []time.Duration
	for time.Now().Before(deadline) {
		mu.Lock()
		lat = lat[:0]
		for i, n := range numbers {
			if at, ok := arrived[n]; ok {
				lat = append(lat, at.Sub(sent[i]))
			}
		}
		mu.Unlock()
		if len(lat) == len(numbers) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(lat) != len(numbers) {
		b.Fatalf("%d of %d leads got their first text", len(lat), len(numbers))
	}
	slices.Sort(lat)
	return lat
}
