package wsapi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestErrorsAsFmt holds the fmt-free error helpers to what fmt made before
// them, so that the messages did not change.
func TestErrorsAsFmt(t *testing.T) {
	for _, s := range []string{"", "hi", strings.Repeat("é", 50), strings.Repeat("a", 39) + "\xff\xfe", "\x00\t\"\\", strings.Repeat("\xff", 45)} {
		if got, want := quoteShort(s), fmt.Sprintf("%.40q", s); got != want {
			t.Errorf("quoteShort(%q) = %s, want %s", s, got, want)
		}
	}
	for _, v := range []any{nil, 1, 1.5, struct{}{}, &CloseError{}, map[string]int{}, []byte(nil), ErrSyntax} {
		if got, want := typeName(v), fmt.Sprintf("%T", v); got != want {
			t.Errorf("typeName(%#v) = %s, want %s", v, got, want)
		}
	}
	err := wrap("wsapi: failed to close", ErrInvalidAccess)
	if want := fmt.Errorf("wsapi: failed to close: %w", ErrInvalidAccess); err.Error() != want.Error() || !errors.Is(err, ErrInvalidAccess) {
		t.Errorf("wrap = %v, want %v wrapping ErrInvalidAccess", err, want)
	}
	ce := &CloseError{CloseEvent{Code: 4001, Reason: "b\"ye", WasClean: true}}
	if got, want := ce.Error(), fmt.Sprintf("wsapi: socket closed with %d %q (clean: %t)", ce.Code, ce.Reason, ce.WasClean); got != want {
		t.Errorf("CloseError = %s, want %s", got, want)
	}
}
