package refresh_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app/api"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// BenchmarkRelayLatency measures the relay of an answer: from the moment a
// person's answer is posted to LedgerSync's API until the bank receives
// it (the resume job, woken by the answer's commit, signs the answer on to
// the bank's JSON API). Each iteration is one challenge: bob's refresh is
// started, his bank asks where to send the code, the text option is posted,
// and the refresh is then canceled. Run with -benchtime 200x; it reports
// p50-ms and p99-ms.
func BenchmarkRelayLatency(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && storetest.PostgresURL() == "" {
				b.Skip("PostgreSQL is not configured (" + storetest.PostgresEnv + ")")
			}
			received := make(chan time.Time, 1)
			w := newWorldWith(b, storetest.Open(b, d), func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v1/challenges/") {
						select {
						case received <- time.Now():
						default:
						}
					}
					h.ServeHTTP(rw, r)
				})
			})
			ctx := context.Background()
			if _, err := w.ls.AddStaff(ctx, w.firm.ID, "bench@firm.test", "relay-benchmark-password", "Rita Moreno", firm.Owner); err != nil {
				b.Fatal(err)
			}
			h, err := api.New(w.ls)
			if err != nil {
				b.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.Handle("/api/v1/", h)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			token := postJSON(b, srv.URL+"/api/v1/tokens", "", map[string]any{"email": "bench@firm.test", "password": "relay-benchmark-password"})["token"].(string)
			conn := w.connect("bob", nil)

			var lat []time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				r := w.start(conn, refresh.TriggerAPI)
				c := w.challenge(r, 0)
				opt := c.Options[0].ID
				b.StartTimer()
				sent := time.Now()
				postJSON(b, fmt.Sprintf("%s/api/v1/challenges/%d/answer", srv.URL, c.ID), token, map[string]any{"option_id": opt})
				got := <-received
				b.StopTimer()
				lat = append(lat, got.Sub(sent))
				next := w.challenge(r, c.ID)
				if err := w.ls.Refresh.Cancel(ctx, w.firm.ID, next.ID); err != nil {
					b.Fatal(err)
				}
				w.done(r)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(len(lat)), "challenges")
		})
	}
}

func postJSON(b testing.TB, url, token string, body any) map[string]any {
	b.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		b.Fatalf("POST %s: %d %v", url, resp.StatusCode, out)
	}
	return out
}
