package refresh

// failpoint lets a test stop a refresh at a named step, as a crash would
// (see export_test.go); it returns nil outside tests.
func (e *Engine) failpoint(step string) error {
	if e.failAt == nil {
		return nil
	}
	return e.failAt(step)
}
