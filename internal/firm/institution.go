package firm

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Institution is one entry of the directory of banks: how LedgerSync
// connects to it. The directory is shared by every firm.
type Institution struct {
	ID   int64
	Name string
	Kind connector.Kind
	// OFX Direct Connect (Kind connector.OFX): the server's URL and the
	// FI's ORG and FID.
	OFXURL, OFXOrg, OFXFID string
	// The JSON API's base URL (Kind connector.InstAPI).
	APIURL    string
	CreatedAt time.Time
}

// Connector is the institution as the connectors take it.
func (i Institution) Connector() connector.Institution {
	return connector.Institution{Name: i.Name, Kind: i.Kind, OFXURL: i.OFXURL, OFXOrg: i.OFXOrg, OFXFID: i.OFXFID, APIURL: i.APIURL}
}

// DefaultSearchLimit and MaxSearchLimit bound SearchInstitutions.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// AddInstitution adds in to the directory (its ID and CreatedAt are
// ignored) and returns it as stored. An OFX institution needs an http(s)
// OFX URL, ORG and FID; a JSON API one an http(s) API URL; the fields of
// the other kind must be empty. Every problem is a *FieldError. An
// institution of the same name and kind is store.ErrConflict.
func AddInstitution(ctx context.Context, q store.Querier, in Institution, now time.Time) (*Institution, error) {
	in, err := in.validate()
	if err != nil {
		return nil, err
	}
	in.CreatedAt = now.UTC()
	err = q.QueryRowContext(ctx, `
		INSERT INTO institution (name, kind, ofx_url, ofx_org, ofx_fid, api_url, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		in.Name, string(in.Kind), in.OFXURL, in.OFXOrg, in.OFXFID, in.APIURL, in.CreatedAt).Scan(&in.ID)
	if err != nil {
		return nil, fmt.Errorf("firm: add institution %q (%s): %w", in.Name, in.Kind, store.Err(err))
	}
	return &in, nil
}

// UpdateInstitution changes an institution's name and endpoints (its kind
// stays): a bank moved its OFX server or API.
func UpdateInstitution(ctx context.Context, q store.Querier, in Institution) (*Institution, error) {
	in, err := in.validate()
	if err != nil {
		return nil, err
	}
	res, err := q.ExecContext(ctx, `UPDATE institution SET name = $1, ofx_url = $2, ofx_org = $3, ofx_fid = $4, api_url = $5
		WHERE id = $6 AND kind = $7`, in.Name, in.OFXURL, in.OFXOrg, in.OFXFID, in.APIURL, in.ID, string(in.Kind))
	if err != nil {
		return nil, fmt.Errorf("firm: update institution %d: %w", in.ID, store.Err(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, fmt.Errorf("firm: update institution %d: %w", in.ID, store.ErrNotFound)
	}
	return GetInstitution(ctx, q, in.ID)
}

func (in Institution) validate() (Institution, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.OFXURL, in.OFXOrg, in.OFXFID = strings.TrimSpace(in.OFXURL), strings.TrimSpace(in.OFXOrg), strings.TrimSpace(in.OFXFID)
	// The connector appends paths to the base URL, so a trailing slash
	// would double.
	in.APIURL = strings.TrimRight(strings.TrimSpace(in.APIURL), "/")
	var errs []error
	if err := checkName("name", in.Name, true, "Enter the institution's name"); err != nil {
		errs = append(errs, err)
	}
	otherKind := func(field, kind string) {
		errs = append(errs, &FieldError{Field: field, Message: "Only " + kind + " institutions have this; leave it empty"})
	}
	switch in.Kind {
	case connector.OFX:
		if err := checkURL("ofx_url", in.OFXURL, "Enter the bank's OFX server URL"); err != nil {
			errs = append(errs, err)
		}
		if in.OFXOrg == "" {
			errs = append(errs, &FieldError{Field: "ofx_org", Message: "Enter the bank's OFX ORG"})
		}
		if in.OFXFID == "" {
			errs = append(errs, &FieldError{Field: "ofx_fid", Message: "Enter the bank's OFX FID"})
		}
		if in.APIURL != "" {
			otherKind("api_url", "JSON API")
		}
	case connector.InstAPI:
		if err := checkURL("api_url", in.APIURL, "Enter the bank's API URL"); err != nil {
			errs = append(errs, err)
		}
		for _, f := range []struct{ field, v string }{{"ofx_url", in.OFXURL}, {"ofx_org", in.OFXOrg}, {"ofx_fid", in.OFXFID}} {
			if f.v != "" {
				otherKind(f.field, "OFX")
			}
		}
	default:
		errs = append(errs, &FieldError{Field: "kind", Message: "Choose OFX Direct Connect or the bank's JSON API"})
	}
	return in, errors.Join(errs...)
}

// checkURL requires an absolute http or https URL.
func checkURL(field, raw, missing string) error {
	if raw == "" {
		return &FieldError{Field: field, Message: missing}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &FieldError{Field: field, Message: "Enter a URL starting with https:// (or http:// for a test server)"}
	}
	if u.User != nil {
		// A password in the URL would be shown and logged with it.
		return &FieldError{Field: field, Message: "Enter the URL without a user name or password"}
	}
	return nil
}

const institutionColumns = `id, name, kind, ofx_url, ofx_org, ofx_fid, api_url, created_at`

// GetInstitution returns the directory's institution id, or
// store.ErrNotFound.
func GetInstitution(ctx context.Context, q store.Querier, id int64) (*Institution, error) {
	in, err := scanInstitution(q.QueryRowContext(ctx, `SELECT `+institutionColumns+` FROM institution WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("firm: institution %d: %w", id, store.Err(err))
	}
	return in, nil
}

// FindInstitution returns the institution named exactly name (after
// trimming) with kind, or store.ErrNotFound.
func FindInstitution(ctx context.Context, q store.Querier, name string, kind connector.Kind) (*Institution, error) {
	name = strings.TrimSpace(name)
	in, err := scanInstitution(q.QueryRowContext(ctx, `SELECT `+institutionColumns+` FROM institution WHERE name = $1 AND kind = $2`, name, string(kind)))
	if err != nil {
		return nil, fmt.Errorf("firm: institution %q (%s): %w", name, kind, store.Err(err))
	}
	return in, nil
}

// SearchInstitutions returns up to limit institutions whose name contains
// query, ignoring case, by name; an empty query lists the directory from
// the start. limit ≤ 0 means DefaultSearchLimit, and it is capped at
// MaxSearchLimit. SQLite folds the case of ASCII letters only.
func SearchInstitutions(ctx context.Context, q store.Querier, query string, limit int) ([]Institution, error) {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	// The pattern is built here, escaped, rather than with || in SQL: the
	// user's % and _ are then letters, and PostgreSQL need not infer the
	// parameter's type from a concatenation.
	pattern := "%" + likeEscaper.Replace(strings.ToLower(strings.TrimSpace(query))) + "%"
	rows, err := q.QueryContext(ctx, `
		SELECT `+institutionColumns+` FROM institution
		WHERE LOWER(name) LIKE $1 ESCAPE '\'
		ORDER BY LOWER(name), kind, id LIMIT $2`, pattern, limit)
	if err != nil {
		return nil, fmt.Errorf("firm: search the institutions: %w", err)
	}
	defer rows.Close()
	var out []Institution
	for rows.Next() {
		in, err := scanInstitution(rows)
		if err != nil {
			return nil, fmt.Errorf("firm: search the institutions: %w", err)
		}
		out = append(out, *in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("firm: search the institutions: %w", err)
	}
	return out, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func scanInstitution(s scanner) (*Institution, error) {
	var in Institution
	var kind string
	if err := s.Scan(&in.ID, &in.Name, &kind, &in.OFXURL, &in.OFXOrg, &in.OFXFID, &in.APIURL, &in.CreatedAt); err != nil {
		return nil, err
	}
	in.Kind, in.CreatedAt = connector.Kind(kind), in.CreatedAt.UTC()
	return &in, nil
}
