package registry

import "time"

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
)

// String returns "public", "body" or "staff".
func (r Role) String() string {
	switch r {
	case RolePublic:
		return "public"
	case RoleBody:
		return "body"
	case RoleStaff:
		return "staff"
	}
	return "role(?)"
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
}

// covers reports whether the grant lets its holder see a Section II body
// seated in region on day.
func (g Grant) covers(region string, day Date) bool {
	return (g.Region == "" || g.Region == region) && within(day, g.From, g.Until)
}
