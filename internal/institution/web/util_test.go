package web_test

import (
	"regexp"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func re(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }
