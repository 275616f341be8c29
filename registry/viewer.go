package registry

import (
	"fmt"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// Role is what a viewer may see.
type Role int

// The roles. The zero value is RolePublic, so a forgotten viewer sees least.
const (
	// RolePublic sees only bodies enrolled in Section I, and of them only the
	// published fields (ID, name, legal form, address, comune, province,
	// region). Grants add Section II bodies of a region, with the same
	// fields.
	RolePublic Role = iota
	// RoleBody is a body's own legal representative or referent: everything
	// about its own entity (Viewer.EntityID), the public view of the others.
	RoleBody
	// RoleStaff is the ministry's staff: everything, including events.
	RoleStaff
	// RoleRegion is a regional office (a Region or autonomous Province,
	// Viewer.Region) that receives the yearly list of its recipients: what
	// the public sees, plus the Section II grants recorded for it. It writes
	// nothing in the register.
	RoleRegion
)

// roleNames are the roles' stable names (persisted in tokens files and
// events: they never change meaning).
var roleNames = [...]string{RolePublic: "public", RoleBody: "body", RoleStaff: "staff", RoleRegion: "region"}

// String returns "public", "body", "staff" or "region".
func (r Role) String() string {
	if r >= 0 && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role(?)"
}

// ErrUnknownRole is wrapped by ParseRole (and so by UnmarshalText) for a
// string that names no role. Its kind is problem.KindInvalid.
var ErrUnknownRole = problem.NewError(problem.KindInvalid, "registry: unknown role")

// ParseRole returns the role named s ("public", "body", "staff", "region").
//
// Errors: an error wrapping ErrUnknownRole, naming s, for any other string.
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if name == s {
			return Role(r), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want public, body, staff or region)", ErrUnknownRole, s)
}

// MarshalText implements encoding.TextMarshaler (the role's name).
func (r Role) MarshalText() ([]byte, error) {
	if r < 0 || int(r) >= len(roleNames) {
		return nil, fmt.Errorf("registry: unknown role %d", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler (ParseRole).
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Viewer is who is looking. Every read and listing of the Registry takes one
// and applies it: Section II bodies and personal data (codici fiscali of
// people, contacts) never reach a public viewer.
type Viewer struct {
	Role Role
	// Subject names the viewer (a user, an office); grants are recorded for it.
	Subject string
	// EntityID is the viewer's own body, for RoleBody.
	EntityID string
	// Region is the ISTAT code of the viewer's region, for RoleRegion.
	Region string
	// Grants are the Section II access grants the viewer holds (see
	// Registry.GrantSectionII and Registry.ViewerWithGrants).
	Grants []Grant
}

// Actor is how the audit trail names the viewer, in events and enrolment
// histories: "ROLE:SUBJECT", and "body:ENTITYID:SUBJECT" for a body's
// viewer ("public:" for the anonymous public). The subject comes last, so
// it may hold colons.
func (v Viewer) Actor() string {
	if v.Role == RoleBody {
		return "body:" + v.EntityID + ":" + v.Subject
	}
	return v.Role.String() + ":" + v.Subject
}

// Public returns the anonymous public viewer (the zero Viewer).
func Public() Viewer { return Viewer{} }

// Staff returns a staff viewer named subject.
func Staff(subject string) Viewer { return Viewer{Role: RoleStaff, Subject: subject} }

// RegionalOffice returns the viewer of the regional office subject of region
// (an ISTAT region code); its grants are added by Registry.ViewerWithGrants.
func RegionalOffice(subject, region string) Viewer {
	return Viewer{Role: RoleRegion, Subject: subject, Region: region}
}

// Body returns the viewer of a body's own data.
func Body(subject, entityID string) Viewer {
	return Viewer{Role: RoleBody, Subject: subject, EntityID: entityID}
}

// Grant is access to the Section II list given on a motivated request: for a
// declared purpose, possibly limited to one region, for a period.
type Grant struct {
	// ID is assigned by the Registry.
	ID string `json:"id,omitempty"`
	// Version is the optimistic-concurrency version.
	Version int64 `json:"version,omitempty"`
	// Grantee is the Viewer.Subject the grant is for.
	Grantee string `json:"grantee" validate:"required,max=200"`
	// Region is the ISTAT code of the region the grant is limited to ("":
	// the whole country).
	Region string `json:"region,omitempty" validate:"omitempty,region"`
	// Purpose is the declared use the request was made for.
	Purpose string `json:"purpose" validate:"required,min=10,max=2000"`
	// From and Until bound the days the grant is valid (Until "": open).
	From  Date `json:"from" validate:"required,datetime=2006-01-02"`
	Until Date `json:"until,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// GrantedBy and GrantedAt record who granted it and when.
	GrantedBy string    `json:"grantedBy,omitempty"`
	GrantedAt time.Time `json:"grantedAt,omitzero"`
	// Status is where the request stands (see RequestSectionII): only a
	// granted one shows anything. Empty on grants recorded before requests
	// existed, which count as granted.
	Status GrantStatus `json:"status,omitempty"`
	// RequestedBy and RequestedAt record who asked and when (empty for a
	// grant given without a request).
	RequestedBy string    `json:"requestedBy,omitempty"`
	RequestedAt time.Time `json:"requestedAt,omitzero"`
	// RefusedBy, RefusedAt and RefusalReason record a refusal.
	RefusedBy     string    `json:"refusedBy,omitempty"`
	RefusedAt     time.Time `json:"refusedAt,omitzero"`
	RefusalReason string    `json:"refusalReason,omitempty"`
}

// covers reports whether the grant lets its holder see a Section II body
// seated in region on day.
func (g Grant) covers(region string, day Date) bool {
	return g.effective() && (g.Region == "" || g.Region == region) && within(day, g.From, g.Until)
}
