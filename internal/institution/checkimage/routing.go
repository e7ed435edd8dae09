package checkimage

// ValidRouting reports whether rn is a 9-digit ABA routing transit number
// whose check digit is right: 3×(d1+d4+d7) + 7×(d2+d5+d8) + (d3+d6+d9) must
// be a multiple of 10. It checks the form only, not that the number is
// assigned to a bank; "000000000" passes the arithmetic but is rejected,
// since no bank has it and it is what an unset field looks like.
func ValidRouting(rn string) bool {
	if len(rn) != 9 || rn == "000000000" {
		return false
	}
	weights := [3]int{3, 7, 1}
	sum := 0
	for i := range len(rn) {
		d := rn[i]
		if d < '0' || d > '9' {
			return false
		}
		sum += int(d-'0') * weights[i%3]
	}
	return sum%10 == 0
}
