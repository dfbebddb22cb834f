package uv

import (
	"errors"
	"slices"
	"testing"
	"time"
	"unicode/utf16"
)

// libuv: hrtime
func TestHrtime(t *testing.T) {
	newTestLoop(t) // the leak check
	const sleep = 45 * time.Millisecond
	for i := 0; i < 75; i++ { // libuv's 75 rounds of uv_sleep(45)
		a := Hrtime()
		must(t, Sleep(sleep))
		b := Hrtime()
		// Hrtime and uv_sleep's nanosleep read the same monotonic clock: the sleep is a lower
		// bound (libuv asserts more than 25 ms, for Windows' coarse Sleep).
		if b < a || time.Duration(b-a) < sleep {
			t.Errorf("Hrtime advanced by %v over a sleep of %v", time.Duration(b-a), sleep)
		}
	}
	for prev, i := Hrtime(), 0; i < 1000; i++ {
		now := Hrtime()
		if now < prev {
			t.Fatalf("Hrtime went back from %d to %d", prev, now)
		}
		prev = now
	}
}

// libuv: get_passwd2
func TestGetPasswd2(t *testing.T) {
	tokenCheck(t)
	pwd, err := GetPasswd()
	must(t, err)
	pwd2, err := GetPasswd2(pwd.UID)
	skipBefore(t, 45, err)
	must(t, err)
	if pwd2 != pwd {
		t.Errorf("GetPasswd2(%d) = %+v, GetPasswd = %+v", pwd.UID, pwd2, pwd)
	}
	root, err := GetPasswd2(0)
	must(t, err)
	if root.Username != "root" || root.Homedir == "" || root.Shell == "" {
		t.Errorf("GetPasswd2(0) = %+v, want root with a home directory and a shell", root)
	}
	// libuv's NULL passwd (EINVAL) has no Go form; a uid outside uid_t's range has one.
	if _, err := GetPasswd2(-1); !errors.Is(err, EINVAL) {
		t.Errorf("GetPasswd2(-1): %v, want EINVAL", err)
	}
}

// libuv: get_group
func TestGetGroup(t *testing.T) {
	tokenCheck(t)
	pwd, err := GetPasswd()
	must(t, err)
	grp, err := GetGroup(pwd.GID)
	skipBefore(t, 45, err)
	must(t, err)
	if grp.GID != pwd.GID || grp.Groupname == "" {
		t.Errorf("GetGroup(%d) = %+v, want that gid and a name", pwd.GID, grp)
	}
	if grp.Members == nil {
		t.Error("GetGroup: Members is nil, want a (possibly empty) list")
	}
	if _, err := GetGroup(1 << 32); !errors.Is(err, EINVAL) {
		t.Errorf("GetGroup(1<<32): %v, want EINVAL", err)
	}
}

// libuv: clock_gettime
func TestClockGettime(t *testing.T) {
	tokenCheck(t)
	_, err := ClockGettime(1337)
	skipBefore(t, 45, err)
	if !errors.Is(err, EINVAL) {
		t.Errorf("ClockGettime(1337): %v, want EINVAL", err)
	}
	// libuv's NULL timespec (EFAULT) has no Go form.
	if _, err := ClockGettime(ClockMonotonic); err != nil {
		t.Errorf("ClockGettime(ClockMonotonic): %v", err)
	}
	d, err := ClockGettime(ClockRealtime)
	if err != nil {
		t.Errorf("ClockGettime(ClockRealtime): %v", err)
	}
	if sec := int64(d / time.Second); sec >= 1682500000000 {
		t.Errorf("ClockGettime(ClockRealtime) = %d s, want less than 1682500000000", sec)
	}
}

func TestAvailableMemory(t *testing.T) {
	tokenCheck(t)
	n, err := AvailableMemory()
	skipBefore(t, 45, err)
	must(t, err)
	if n == 0 {
		t.Error("AvailableMemory = 0")
	}
}

func TestGetrusageThread(t *testing.T) {
	tokenCheck(t)
	_, err := GetrusageThread()
	skipBefore(t, 50, err)
	must(t, err)
}

// libuv: wtf8
func TestWTF8(t *testing.T) {
	tokenCheck(t)
	for _, in := range []string{"ᜄȺy𐞲:𞢢𘴇𐀀'¥3̞[<i$", "\xF4\x8F\xBF\xBF"} { // the second: U+10FFFF
		u, err := WTF8ToUTF16([]byte(in))
		skipBefore(t, 47, err)
		must(t, err)
		// libuv's length includes the NUL: more than 0 and less than its buffer of 32.
		if n := len(u) + 1; n <= 0 || n >= 32 {
			t.Errorf("WTF8ToUTF16(%q): %d code units with the NUL, want 1..31", in, n)
		}
		if want := utf16.Encode([]rune(in)); !slices.Equal(u, want) {
			t.Errorf("WTF8ToUTF16(%q) = %x, want %x", in, u, want)
		}
		back, err := UTF16ToWTF8(u)
		if err != nil || string(back) != in {
			t.Errorf("UTF16ToWTF8(%x) = %q, %v; want %q", u, back, err, in)
		}
	}
	// WTF-8 keeps an unpaired surrogate, as three bytes.
	lone := []uint16{'a', 0xD800, 'b'}
	w, err := UTF16ToWTF8(lone)
	if err != nil || string(w) != "a\xED\xA0\x80b" {
		t.Errorf("UTF16ToWTF8(%x) = %q, %v", lone, w, err)
	}
	if u, err := WTF8ToUTF16(w); err != nil || !slices.Equal(u, lone) {
		t.Errorf("WTF8ToUTF16(%q) = %x, %v; want %x", w, u, err, lone)
	}
	if _, err := WTF8ToUTF16([]byte("a\xffb")); !errors.Is(err, EINVAL) {
		t.Errorf("WTF8ToUTF16 of invalid WTF-8: %v, want EINVAL", err)
	}
	if _, err := WTF8ToUTF16([]byte("a\x00b")); !errors.Is(err, ErrNUL) {
		t.Errorf("WTF8ToUTF16 with a NUL: %v, want ErrNUL", err)
	}
}
