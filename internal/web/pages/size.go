package pages

import (
	"fmt"
	"strconv"
)

// fileSize writes a number of bytes as people read a file's size: "850
// bytes", "110.7 KB", "12.4 MB" (1 KB = 1024 bytes, as file managers
// count), since "113378 bytes" has to be counted digit by digit.
func fileSize(n int64) string {
	if n < 1024 {
		if n == 1 {
			return "1 byte"
		}
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v := float64(n)
	for _, unit := range []string{"KB", "MB", "GB", "TB"} {
		v /= 1024
		if v < 1024 || unit == "TB" {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
	}
	panic("unreachable")
}
