package conf

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// HashPIN returns a bcrypt hash of a PIN for staff.toml. A PIN is 4 to 12
// digits.
func HashPIN(pin string) (string, error) {
	if len(pin) < 4 || len(pin) > 12 {
		return "", fmt.Errorf("PIN 应为 4–12 位数字 / a PIN is 4–12 digits")
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("PIN 应为 4–12 位数字 / a PIN is 4–12 digits")
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("conf: bcrypt: %w", err)
	}
	return string(h), nil
}

// WriteDefaults writes every embedded default file, comments and all, into
// dir (created if missing). It refuses, writing nothing, when any of the
// files already exists there. It returns the paths written.
func WriteDefaults(dir string) ([]string, error) {
	return writeDefaults(dir)
}
