package registry

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
)

// A .p7m attachment is a CAdES envelope: a CMS ContentInfo (RFC 5652 §3)
// whose content type is id-signedData (1.2.840.113549.1.7.2) and whose
// content is a SignedData (§5.1) carrying the signed document and at least
// one SignerInfo. The register checks that structure, nothing more:
//
//   - the envelope is parsed as DER with encoding/asn1 — ContentInfo, then
//     SignedData down to its version, digest algorithms, encapsulated
//     content type and signer infos, each element read as one TLV without
//     descending further, so the cost is linear in the file (itself bounded
//     by Options.MaxAttachmentBytes) and the depth fixed. A BER envelope with
//     indefinite lengths (as some streaming tools write) is refused: the
//     applicant is asked for the DER form, which signing tools produce by
//     default;
//   - a base64 text of the DER, bare or PEM-armoured ("-----BEGIN PKCS7-----",
//     "CMS" or "PKCS #7 SIGNED DATA"), as some tools save a .p7m, is accepted
//     too: it is decoded only to be checked. The register stores the bytes
//     it received, unchanged: the digest the applicant declares and the
//     protocol refer to the file as filed, and a signed document is
//     evidence whose form the register does not alter;
//   - the signature itself is not verified: checking it means validating
//     the signer's qualified certificate against the trust list of the
//     qualified trust service providers (eIDAS, Reg. (EU) 910/2014 art. 22,
//     the Italian list kept by AgID) and its revocation status at the time
//     of signing, which needs that list and network access to the
//     providers' OCSP and CRL services. That is the reviewing officer's
//     check with a signature-verification tool, recorded as a
//     fact of the application (Application.Signature), not a decision the
//     register takes on upload.

// oidSignedDataType is id-signedData (RFC 5652 §5.1).
var oidSignedDataType = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}

// cmsContentInfo is ContentInfo (RFC 5652 §3).
type cmsContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

// cmsSignedData is SignedData (RFC 5652 §5.1), each part kept raw.
type cmsSignedData struct {
	Version          int
	DigestAlgorithms []asn1.RawValue `asn1:"set"`
	EncapContentInfo cmsEncapContentInfo
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue   `asn1:"optional,tag:1"`
	SignerInfos      []asn1.RawValue `asn1:"set"`
}

// cmsEncapContentInfo is EncapsulatedContentInfo (RFC 5652 §5.2); the
// content is absent in a detached signature.
type cmsEncapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

// P7MDER returns the DER envelope of a .p7m file's content: the content
// itself when it is binary, the decoded bytes when it is base64 text, bare
// or PEM-armoured. It does not check the envelope (CheckP7M does).
func P7MDER(content []byte) ([]byte, error) {
	text := bytes.TrimSpace(content)
	if bytes.HasPrefix(text, []byte("-----BEGIN ")) {
		b, _ := pem.Decode(text)
		if b == nil {
			return nil, errors.New("a PEM armour that does not decode")
		}
		switch b.Type {
		case "PKCS7", "CMS", "PKCS #7 SIGNED DATA":
			return b.Bytes, nil
		}
		return nil, fmt.Errorf("a PEM block of type %q, not PKCS7 or CMS", b.Type)
	}
	switch {
	case len(text) == 0:
		return nil, errors.New("an empty file")
	case text[0] == 0x30:
		return content, nil // binary DER starts with a SEQUENCE
	case !isBase64Char(text[0]):
		return nil, errors.New("neither DER nor base64 text")
	}
	stripped := bytes.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, text)
	der, err := base64.StdEncoding.DecodeString(string(stripped))
	if err != nil {
		return nil, errors.New("neither DER nor base64 text")
	}
	return der, nil
}

// CheckP7M reports whether content is a CAdES .p7m envelope: a DER CMS
// ContentInfo of type id-signedData whose SignedData has at least one
// SignerInfo, possibly base64-encoded (see P7MDER). It does not verify the
// signature. The error says what is wrong.
func CheckP7M(content []byte) error {
	der, err := P7MDER(content)
	if err != nil {
		return err
	}
	var ci cmsContentInfo
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return fmt.Errorf("not a DER ContentInfo: %v", err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%d bytes after the ContentInfo", len(rest))
	}
	if !ci.ContentType.Equal(oidSignedDataType) {
		return fmt.Errorf("content type %s, not id-signedData (1.2.840.113549.1.7.2)", ci.ContentType)
	}
	var sd cmsSignedData
	rest, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	if err != nil {
		return fmt.Errorf("not a DER SignedData: %v", err)
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("%d bytes after the SignedData", len(rest))
	case sd.Version < 1 || sd.Version > 5:
		return fmt.Errorf("SignedData version %d, not 1 to 5", sd.Version)
	case len(sd.SignerInfos) == 0:
		return errors.New("a SignedData without signers")
	}
	return nil
}

// looksLikeP7M reports whether content was meant as a .p7m envelope (it
// starts as DER does, or is PEM or base64 text of something), so that a
// malformed one gets its own problem rather than "not a PDF nor a P7M".
func looksLikeP7M(content []byte) bool {
	_, err := P7MDER(content)
	return err == nil || bytes.HasPrefix(bytes.TrimSpace(content), []byte("-----BEGIN "))
}

// isBase64Char reports whether c is in the standard base64 alphabet.
func isBase64Char(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}
