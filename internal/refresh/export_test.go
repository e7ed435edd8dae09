package refresh

// SetFailAt makes e stop at the named step (accounts, transactions,
// statements, checks, apply, apply-midway) with the error f returns, as a
// crash there would.
func SetFailAt(e *Engine, f func(step string) error) { e.failAt = f }
