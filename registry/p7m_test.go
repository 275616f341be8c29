package registry_test

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
)

// The ASN.1 of a minimal CMS SignedData (RFC 5652 §5), built by hand: one
// digest algorithm, the encapsulated document, one signer identified by
// issuer and serial number. The signature bytes are not a real signature:
// the register checks the structure, not the signature.
type (
	algorithmID struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	encapContent struct {
		EContentType asn1.ObjectIdentifier
		EContent     []byte `asn1:"explicit,optional,tag:0"`
	}
	issuerAndSerial struct {
		Issuer asn1.RawValue
		Serial int
	}
	signerInfo struct {
		Version            int
		SID                issuerAndSerial
		DigestAlgorithm    algorithmID
		SignatureAlgorithm algorithmID
		Signature          []byte
	}
	signedData struct {
		Version          int
		DigestAlgorithms []algorithmID `asn1:"set"`
		EncapContentInfo encapContent
		SignerInfos      []signerInfo `asn1:"set"`
	}
	contentInfo struct {
		ContentType asn1.ObjectIdentifier
		Content     any `asn1:"explicit,tag:0"`
	}
)

var (
	oidData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidSHA256     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
)

// cms returns the DER ContentInfo of type ct over sd.
func cms(t *testing.T, ct asn1.ObjectIdentifier, sd any) []byte {
	t.Helper()
	der, err := asn1.Marshal(contentInfo{ContentType: ct, Content: sd})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// signed returns a minimal SignedData over doc, with signers signers.
func signed(doc []byte, signers int) signedData {
	null := asn1.RawValue{Tag: asn1.TagNull}
	sha := algorithmID{Algorithm: oidSHA256, Parameters: null}
	emptyName := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: []byte{}}
	sd := signedData{Version: 1, DigestAlgorithms: []algorithmID{sha}, EncapContentInfo: encapContent{EContentType: oidData, EContent: doc}}
	for i := range signers {
		sd.SignerInfos = append(sd.SignerInfos, signerInfo{Version: 1, SID: issuerAndSerial{Issuer: emptyName, Serial: i + 1},
			DigestAlgorithm: sha, SignatureAlgorithm: algorithmID{Algorithm: oidRSA, Parameters: null}, Signature: []byte("sig")})
	}
	return sd
}

// testP7MHex is the minimal envelope the other packages' tests use as a
// .p7m file; TestP7MFixture keeps it equal to what signed builds.
const testP7MHex = "307106092a864886f70d010702a0643062020101310f300d06096086480165030402010500301b06092a864886f70d010701a00e040c2550444620666f726d206f6b312f302d02010130053000020101300d06096086480165030402010500300d06092a864886f70d01010105000403736967"

func TestP7MFixture(t *testing.T) {
	got := hex.EncodeToString(cms(t, oidSignedData, signed([]byte("%PDF form ok"), 1)))
	if got != testP7MHex {
		t.Fatalf("the envelope built is\n%s\nnot testP7MHex", got)
	}
}

// TestCheckP7M: a DER SignedData envelope is a P7M, bare or as base64 text
// (PEM-armoured or not); anything else is refused with its reason, and a
// file meant as a P7M but malformed gets the p7m_malformed problem.
func TestCheckP7M(t *testing.T) {
	good := cms(t, oidSignedData, signed([]byte("%PDF-1.7 the form"), 1))
	b64 := base64.StdEncoding.EncodeToString(good)
	wrapped := []byte(strings.Join([]string{b64[:40], b64[40:]}, "\r\n") + "\n")
	armoured := pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: good})
	tests := []struct {
		name    string
		content []byte
		problem string // "": accepted
		reason  string
	}{
		{"DER", good, "", ""},
		{"base64", []byte(b64), "", ""},
		{"base64 in lines", wrapped, "", ""},
		{"PEM", armoured, "", ""},
		{"CMS PEM", pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: good}), "", ""},
		{"two signers", cms(t, oidSignedData, signed(nil, 2)), "", ""},
		{"no signer", cms(t, oidSignedData, signed([]byte("x"), 0)), "p7m_malformed", "without signers"},
		{"enveloped, not signed", cms(t, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3}, signed([]byte("x"), 1)), "p7m_malformed", "not id-signedData"},
		{"content not a SignedData", cms(t, oidSignedData, []byte("just bytes")), "p7m_malformed", "not a DER SignedData"},
		{"truncated", good[:len(good)-5], "p7m_malformed", "not a DER ContentInfo"},
		{"trailing bytes", append(bytes.Clone(good), 0, 0), "p7m_malformed", "bytes after the ContentInfo"},
		{"BER indefinite length", []byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0, 0, 0, 0}, "p7m_malformed", "not a DER ContentInfo"},
		{"PEM of a certificate", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: good}), "p7m_malformed", "not PKCS7 or CMS"},
		{"broken PEM", []byte("-----BEGIN PKCS7-----\nnot base64\n"), "p7m_malformed", "does not decode"},
		{"base64 of garbage", []byte(base64.StdEncoding.EncodeToString([]byte("hello"))), "p7m_malformed", "not a DER ContentInfo"},
		{"a zip", []byte("PK\x03\x04 a zip"), "attachment_type", "neither DER nor base64"},
		{"empty", nil, "attachment_type", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := registry.CheckP7M(tc.content)
			if (err == nil) != (tc.problem == "") || (err != nil && !strings.Contains(err.Error(), tc.reason)) {
				t.Errorf("CheckP7M: %v, want reason %q", err, tc.reason)
			}
			f, err := registry.NewAttachmentFile("/attachments/0", tc.content)
			if tc.problem == "" {
				if err != nil || f.MediaType != registry.MediaP7M || !bytes.Equal(f.Content, tc.content) {
					t.Errorf("NewAttachmentFile: %+v, %v; want the bytes received, as P7M", f.MediaType, err)
				}
				return
			}
			if got := problems(t, err)["/attachments/0"]; got != tc.problem {
				t.Errorf("problem %q, want %q", got, tc.problem)
			}
		})
	}
}

// A .p7m is checked for its structure — a CMS SignedData with a signer — in
// DER or as base64 text; the signature is not verified.
func ExampleCheckP7M() {
	der, _ := hex.DecodeString(testP7MHex)
	fmt.Println(registry.CheckP7M(der))
	fmt.Println(registry.CheckP7M(pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: der})))
	fmt.Println(registry.CheckP7M(der[:20]))
	// Output:
	// <nil>
	// <nil>
	// not a DER ContentInfo: asn1: syntax error: data truncated
}
