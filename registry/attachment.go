package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// An application's attachments are files: the statute, the signed
// application itself, the programme. Each is stored once, by the SHA-256 of
// its content, in the register's own store (in the same transaction as the
// application that brings it), and an Attachment of an application names it
// by that digest. Only the body whose application names a file, and staff,
// may read it (Registry.Attachment).

// The media types of attachment files. Only PDF documents (a PAdES-signed
// PDF is one) and CAdES envelopes (.p7m, CMS SignedData in DER or base64 of
// DER, see CheckP7M) are accepted; the type is decided by the content (SniffAttachment), never by
// what the uploader declares.
const (
	MediaPDF = "application/pdf"
	MediaP7M = "application/pkcs7-mime"
)

// DefaultMaxAttachmentBytes is the largest attachment file accepted when
// Options.MaxAttachmentBytes is 0.
const DefaultMaxAttachmentBytes = 10 << 20

// MaxAttachments is the most attachments an application may list.
const MaxAttachments = 20

// AttachmentFile is one stored attachment: its content and what the
// register computed of it.
type AttachmentFile struct {
	// SHA256 is the lowercase hex SHA-256 of Content: the file's key.
	SHA256 string `json:"sha256"`
	// Size is len(Content).
	Size int64 `json:"size"`
	// MediaType is MediaPDF or MediaP7M, sniffed from Content.
	MediaType string `json:"mediaType"`
	// Content is the file, byte for byte.
	Content []byte `json:"-"`
}

// ApplicationFiles is the part of a Store that keeps what an application
// brings besides its record: the attachment files, and the protocol numbers
// of receipts. Both travel in a Batch (Batch.Attachments, and
// Application.Receipt.Protocol), so they are written in the application's
// transaction.
//
// Commit stores each of Batch.Attachments once by SHA256: a file already
// stored is left as it is. Two applications may not hold the same
// Receipt.Protocol (ErrConflict): that is what keeps protocol numbers
// unique when two applications are received at once.
type ApplicationFiles interface {
	// AttachmentFile returns the stored file whose hex SHA-256 is sha, or
	// ErrNotFound.
	AttachmentFile(ctx context.Context, sha string) (AttachmentFile, error)
	// LastProtocol returns the highest Receipt.Protocol of the year
	// ("2026/000123"; protocols compare as strings), or "" when no
	// application of that year has one.
	LastProtocol(ctx context.Context, year int) (string, error)
}

// NewAttachmentFile returns content as an AttachmentFile, with its digest,
// size and sniffed media type.
//
// Errors: a problem.List (at path) when content is neither a PDF nor a CAdES
// envelope.
func NewAttachmentFile(path string, content []byte) (AttachmentFile, error) {
	mt, ok := SniffAttachment(content)
	if !ok && looksLikeP7M(content) {
		return AttachmentFile{}, invalid(path, "p7m_malformed",
			"il file non è una busta CAdES (.p7m): serve un ContentInfo CMS di tipo SignedData con almeno un firmatario, in DER o in base64",
			"the file is not a CAdES envelope (.p7m): a CMS ContentInfo of type SignedData with at least one signer is expected, in DER or base64",
			map[string]any{"reason": CheckP7M(content).Error(), "expected": "CMS SignedData (RFC 5652 §5.1)"})
	}
	if !ok {
		return AttachmentFile{}, invalid(path, "attachment_type",
			"il file non è un PDF né una busta firmata CAdES (.p7m)",
			"the file is neither a PDF nor a CAdES signed envelope (.p7m)",
			map[string]any{"allowedValues": []string{MediaPDF, MediaP7M}})
	}
	sum := sha256.Sum256(content)
	return AttachmentFile{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content)), MediaType: mt,
		Content: bytes.Clone(content)}, nil
}

// SniffAttachment returns the media type of an attachment's content:
// MediaP7M for a CAdES envelope as CheckP7M accepts it (DER, or base64 of
// DER), MediaPDF for any other file whose first 1024 bytes hold the "%PDF-"
// header (ISO 32000-1 §7.5.2 lets it follow some bytes of junk); ok is false
// for anything else. The envelope is tried first, and a file that starts as
// one (DER or PEM) is never a PDF: a signed PDF's .p7m holds the PDF, header
// included, within its first bytes.
func SniffAttachment(content []byte) (mediaType string, ok bool) {
	if CheckP7M(content) == nil {
		return MediaP7M, true
	}
	if len(content) > 0 && content[0] == 0x30 || bytes.HasPrefix(content, []byte("-----BEGIN ")) {
		return "", false // a broken envelope, even if it holds a PDF
	}
	head := content[:min(len(content), 1024)]
	if bytes.Contains(head, []byte("%PDF-")) {
		return MediaPDF, true
	}
	return "", false
}

// Attachment returns the stored attachment file with digest sha, as v may
// read it: staff read every file, a body the files its own applications
// name. A file v may not read is ErrNotFound, exactly as one that does not
// exist, so that nobody learns which files another body holds.
//
// Errors: ErrNotFound; store errors.
func (r *Registry) Attachment(ctx context.Context, v Viewer, sha string) (AttachmentFile, error) {
	notFound := fmt.Errorf("registry: attachment %q: %w", sha, ErrNotFound)
	switch {
	case v.Role == RoleStaff:
	case v.Role == RoleBody && v.EntityID != "":
		apps, err := r.store.Applications(ctx, v.EntityID)
		if err != nil {
			return AttachmentFile{}, err
		}
		named := false
		for _, a := range apps {
			for _, at := range a.Attachments {
				named = named || at.SHA256 == sha
			}
		}
		if !named {
			return AttachmentFile{}, notFound
		}
	default:
		return AttachmentFile{}, notFound
	}
	return r.store.AttachmentFile(ctx, sha)
}

// maxAttachmentBytes is the register's limit on one attachment file.
func (r *Registry) maxAttachmentBytes() int64 {
	if r.opts.MaxAttachmentBytes > 0 {
		return r.opts.MaxAttachmentBytes
	}
	return DefaultMaxAttachmentBytes
}

// MaxAttachmentBytes returns the largest attachment file the register
// accepts (Options.MaxAttachmentBytes).
func (r *Registry) MaxAttachmentBytes() int64 { return r.maxAttachmentBytes() }
