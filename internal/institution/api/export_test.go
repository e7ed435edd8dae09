package api

// Routes lists the patterns of the route table, for the test that holds
// openapi.json equal to it.
func Routes() []string {
	var out []string
	for _, rt := range (&server{}).routes() {
		out = append(out, rt.pattern)
	}
	return out
}
