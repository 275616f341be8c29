package registrytest

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/openregistro/registro/registry"
)

// applicationFilesTests are the conformance tests of
// registry.ApplicationFiles, run by RunStoreTests.
var applicationFilesTests = []struct {
	name string
	fn   func(t *testing.T, s registry.Store)
}{
	{"AttachmentsStoredOnce", testAttachmentsStoredOnce},
	{"AttachmentsAtomic", testAttachmentsAtomic},
	{"ProtocolUnique", testProtocolUnique},
	{"LastProtocol", testLastProtocol},
	{"ConcurrentProtocols", testConcurrentProtocols},
}

// minimalP7M is a minimal CMS SignedData envelope (RFC 5652 §5): one
// digest algorithm, the encapsulated document "%PDF form ok", one signer; the
// registry package's tests build it with encoding/asn1 and check this copy.
var minimalP7M, _ = hex.DecodeString("307106092a864886f70d010702a0643062020101310f300d06096086480165030402010500301b06092a864886f70d010701a00e040c2550444620666f726d206f6b312f302d02010130053000020101300d06096086480165030402010500300d06092a864886f70d01010105000403736967")

func file(t *testing.T, content string) registry.AttachmentFile {
	t.Helper()
	f, err := registry.NewAttachmentFile("/f", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func received(a registry.Application, protocol string) registry.Application {
	a.Receipt = &registry.Receipt{Protocol: protocol, ReceivedAt: at, DecisionDue: a.Date.AddDays(90)}
	return a
}

// testAttachmentsStoredOnce: a file committed twice (in two batches, or
// twice in one) is stored once, and read back byte for byte with its size
// and media type; an unknown digest is ErrNotFound.
func testAttachmentsStoredOnce(t *testing.T, s registry.Store) {
	ctx := context.Background()
	pdf := file(t, "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	p7m := file(t, string(minimalP7M))
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")},
		Attachments: []registry.AttachmentFile{pdf, p7m, pdf}})
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E2", "80000000002", "B")},
		Attachments: []registry.AttachmentFile{pdf}})
	for _, want := range []registry.AttachmentFile{pdf, p7m} {
		got, err := s.AttachmentFile(ctx, want.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Content, want.Content) || got.Size != want.Size || got.MediaType != want.MediaType || got.SHA256 != want.SHA256 {
			t.Errorf("read %+v, want %+v", got, want)
		}
		got.Content[0] = 'X'
		again, _ := s.AttachmentFile(ctx, want.SHA256)
		if again.Content[0] == 'X' {
			t.Error("AttachmentFile returns the stored bytes, not a copy")
		}
	}
	_, err := s.AttachmentFile(ctx, "00"+pdf.SHA256[2:])
	wantErr(t, err, registry.ErrNotFound, "unknown attachment")
}

// testAttachmentsAtomic: a batch that fails stores none of its files.
func testAttachmentsAtomic(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")}})
	f := file(t, "%PDF-1.4 atomic")
	_, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")}, // version 0: taken
		Attachments: []registry.AttachmentFile{f}})
	wantErr(t, err, registry.ErrConflict, "batch with a taken ID")
	_, err = s.AttachmentFile(ctx, f.SHA256)
	wantErr(t, err, registry.ErrNotFound, "file of a failed batch")
}

// testProtocolUnique: a second application with a protocol number already
// held is ErrConflict and writes nothing; the holder may be updated.
func testProtocolUnique(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")},
		Applications: []registry.Application{received(application("A1", "E1", "2026-01-10"), "2026/000001")}})
	_, err := s.Commit(ctx, registry.Batch{Applications: []registry.Application{received(application("A2", "E1", "2026-01-11"), "2026/000001")}})
	wantErr(t, err, registry.ErrConflict, "protocol taken")
	if _, err := s.Application(ctx, "A2"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("the application of a failed batch was stored: %v", err)
	}
	_, err = s.Commit(ctx, registry.Batch{Applications: []registry.Application{
		received(application("A3", "E1", "2026-01-11"), "2026/000002"), received(application("A4", "E1", "2026-01-11"), "2026/000002")}})
	wantErr(t, err, registry.ErrConflict, "one protocol twice in a batch")
	a1, err := s.Application(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	a1.Receipt.Completions = append(a1.Receipt.Completions, registry.Completion{RequestedAt: at, Note: "n"})
	commit(t, s, registry.Batch{Applications: []registry.Application{a1}})
	got, _ := s.Application(ctx, "A1")
	if got.Receipt == nil || got.Receipt.Protocol != "2026/000001" || len(got.Receipt.Completions) != 1 {
		t.Errorf("receipt after update = %+v", got.Receipt)
	}
	// Applications without a receipt (imports) share the empty protocol.
	commit(t, s, registry.Batch{Applications: []registry.Application{application("B1", "E1", "2020-01-01"), application("B2", "E1", "2020-01-02")}})
}

// testLastProtocol: the highest protocol of a year, "" for a year without.
func testLastProtocol(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")},
		Applications: []registry.Application{
			received(application("A1", "E1", "2025-12-30"), "2025/000007"),
			received(application("A2", "E1", "2026-01-10"), "2026/000009"),
			received(application("A3", "E1", "2026-01-11"), "2026/000010"),
			application("A4", "E1", "2026-01-12"),
		}})
	for year, want := range map[int]string{2024: "", 2025: "2025/000007", 2026: "2026/000010", 2027: ""} {
		got, err := s.LastProtocol(ctx, year)
		if err != nil || got != want {
			t.Errorf("LastProtocol(%d) = %q, %v; want %q", year, got, err, want)
		}
	}
}

// testConcurrentProtocols: writers racing for the next number, each
// retrying on ErrConflict from LastProtocol, end with 1…n and no gap.
func testConcurrentProtocols(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "A")}})
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				last, err := s.LastProtocol(ctx, 2026)
				if err != nil {
					errs <- err
					return
				}
				next := 1
				if last != "" {
					next = int(last[len(last)-1]-'0') + 1
				}
				a := received(application(string(rune('a'+i)), "E1", "2026-02-01"), registry.FormatProtocol(2026, next))
				_, err = s.Commit(ctx, registry.Batch{Applications: []registry.Application{a}})
				if errors.Is(err, registry.ErrConflict) {
					continue
				}
				if err != nil {
					errs <- err
				}
				return
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	last, err := s.LastProtocol(ctx, 2026)
	if err != nil || last != registry.FormatProtocol(2026, n) {
		t.Errorf("after %d receipts the last protocol is %q, %v", n, last, err)
	}
}
