package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHTTP serves handler on the configured address (HTTPS when a certificate
// is configured) until ctx ends, then shuts down gracefully: it stops
// accepting connections and waits up to the shutdown timeout for requests in
// flight. It logs the URL it listens on, with the real port when the address
// asked for port 0. ready, when not nil, is called with the base URL once
// the server listens.
func (e *env) runHTTP(ctx context.Context, name string, handler http.Handler, ready func(base string)) error {
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", name, e.cfg.Addr, err)
	}
	return e.serveHTTP(ctx, name, ln, handler, ready)
}

// serveHTTP is runHTTP on a listener the caller opened (the demo opens
// two, and needs the bank's address before it serves).
func (e *env) serveHTTP(ctx context.Context, name string, ln net.Listener, handler http.Handler, ready func(base string)) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: live pages hold server-sent event streams open.
		BaseContext: func(net.Listener) context.Context {
			return context.WithoutCancel(ctx)
		},
	}
	scheme := "http"
	if e.cfg.TLSCert != "" {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	e.logger.Info("listening", "service", name, "url", base)
	if ready != nil {
		ready(base)
	}

	served := make(chan error, 1)
	go func() {
		if scheme == "https" {
			served <- srv.ServeTLS(ln, e.cfg.TLSCert, e.cfg.TLSKey)
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return fmt.Errorf("%s: %w", name, err)
	case <-ctx.Done():
	}
	e.logger.Info("shutting down", "service", name, "timeout", e.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("%s: requests still running after %s were cut off: %w", name, e.cfg.ShutdownTimeout, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s: %w", name, err)
	}
	e.logger.Info("stopped", "service", name)
	return nil
}
