package firm_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestAddInstitutionValidates(t *testing.T) {
	t.Parallel()
	api := func(url string) firm.Institution {
		return firm.Institution{Name: "Demo Bank", Kind: connector.InstAPI, APIURL: url}
	}
	withOFX := func(change func(*firm.Institution)) firm.Institution {
		in := ofxInstitution("First Bank")
		change(&in)
		return in
	}
	tests := []struct {
		name   string
		in     firm.Institution
		fields []string // nil: accepted
	}{
		{name: "ofx", in: ofxInstitution("First Bank")},
		{name: "instapi", in: api("https://bank.example.com/api/v1/")},
		{name: "instapi on plain http", in: firm.Institution{Name: "Test Bank", Kind: connector.InstAPI, APIURL: "http://127.0.0.1:8080/api/v1"}},
		{name: "no name", in: withOFX(func(i *firm.Institution) { i.Name = " " }), fields: []string{"name"}},
		{name: "unknown kind", in: withOFX(func(i *firm.Institution) { i.Kind = "scraper" }), fields: []string{"kind"}},
		{name: "ofx without url", in: withOFX(func(i *firm.Institution) { i.OFXURL = "" }), fields: []string{"ofx_url"}},
		{name: "ofx ftp url", in: withOFX(func(i *firm.Institution) { i.OFXURL = "ftp://ofx.example.com" }), fields: []string{"ofx_url"}},
		{name: "ofx relative url", in: withOFX(func(i *firm.Institution) { i.OFXURL = "/ofx" }), fields: []string{"ofx_url"}},
		{name: "ofx url with password", in: withOFX(func(i *firm.Institution) { i.OFXURL = "https://u:p@ofx.example.com/" }), fields: []string{"ofx_url"}},
		{name: "ofx without org and fid", in: withOFX(func(i *firm.Institution) { i.OFXOrg, i.OFXFID = "", " " }), fields: []string{"ofx_org", "ofx_fid"}},
		{name: "ofx with an api url", in: withOFX(func(i *firm.Institution) { i.APIURL = "https://bank.example.com/api/v1" }), fields: []string{"api_url"}},
		{name: "instapi without url", in: api(""), fields: []string{"api_url"}},
		{name: "instapi not a url", in: api("bank.example.com"), fields: []string{"api_url"}},
		{name: "instapi with ofx fields", in: firm.Institution{Name: "X", Kind: connector.InstAPI, APIURL: "https://x.example", OFXOrg: "X", OFXFID: "1"}, fields: []string{"ofx_org", "ofx_fid"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := firm.AddInstitution(ctx, db.Writer(), tt.in, t0)
				if tt.fields != nil {
					if !slices.Equal(fieldErrors(err), tt.fields) {
						t.Errorf("AddInstitution = %v, want refusals of %v", err, tt.fields)
					}
					return
				}
				if err != nil {
					t.Fatalf("AddInstitution: %v", err)
				}
				stored, err := firm.GetInstitution(ctx, db.Reader(), got.ID)
				if err != nil || *stored != *got {
					t.Errorf("GetInstitution = %+v, %v, want %+v", stored, err, got)
				}
			})
		}
	})
}

func TestInstitutionDirectory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, r := db.Writer(), db.Reader()
		first := newInstitution(t, db, "First National Bank")
		firstAPI, err := firm.AddInstitution(ctx, w, firm.Institution{Name: "First National Bank", Kind: connector.InstAPI, APIURL: "https://fnb.example/api/v1/"}, t0)
		if err != nil {
			t.Fatalf("the same name with another kind: %v", err)
		}
		for _, name := range []string{"Second Savings", "100% Credit Union", "River_Bank", "Riverside Trust"} {
			newInstitution(t, db, name)
		}
		if _, err := firm.AddInstitution(ctx, w, ofxInstitution(" First National Bank "), t0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a taken name and kind: %v, want ErrConflict", err)
		}

		if firstAPI.APIURL != "https://fnb.example/api/v1" {
			t.Errorf("the API URL is stored as %q, without its trailing slash expected", firstAPI.APIURL)
		}
		want := connector.Institution{Name: "First National Bank", Kind: connector.OFX, OFXURL: "https://ofx.example.com/ofx", OFXOrg: "EXAMPLE", OFXFID: "1234"}
		if got := first.Connector(); got != want {
			t.Errorf("Connector() = %+v, want %+v", got, want)
		}

		found, err := firm.FindInstitution(ctx, r, "First National Bank", connector.InstAPI)
		if err != nil || found.ID != firstAPI.ID {
			t.Errorf("FindInstitution = %+v, %v, want the API entry", found, err)
		}
		if _, err := firm.FindInstitution(ctx, r, "first national bank", connector.OFX); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindInstitution is exact, but found another case: %v", err)
		}
		if _, err := firm.GetInstitution(ctx, r, firstAPI.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetInstitution of a missing id: %v", err)
		}

		moved := *first
		moved.OFXURL = "https://ofx2.example.com/ofx"
		if got, err := firm.UpdateInstitution(ctx, w, moved); err != nil || got.OFXURL != moved.OFXURL || got.Kind != connector.OFX {
			t.Errorf("UpdateInstitution = %+v, %v, want the new OFX URL", got, err)
		}
		moved.Kind = connector.InstAPI
		moved.OFXURL, moved.OFXOrg, moved.OFXFID, moved.APIURL = "", "", "", "https://x.example/api/v1"
		if _, err := firm.UpdateInstitution(ctx, w, moved); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateInstitution changing the kind: %v, want ErrNotFound", err)
		}

		search := []struct {
			query string
			limit int
			want  []string
		}{
			{"RIVER", 0, []string{"River_Bank", "Riverside Trust"}},
			{"national", 10, []string{"First National Bank/ofx", "First National Bank/instapi"}},
			{"%", 0, []string{"100% Credit Union"}},
			{"r_b", 0, []string{"River_Bank"}},
			{"", 2, []string{"100% Credit Union", "First National Bank/instapi"}},
			{"nothing like it", 0, nil},
		}
		for _, s := range search {
			got, err := firm.SearchInstitutions(ctx, r, s.query, s.limit)
			if err != nil {
				t.Fatalf("SearchInstitutions(%q): %v", s.query, err)
			}
			var names []string
			for _, in := range got {
				name := in.Name
				if in.Name == "First National Bank" {
					name += "/" + string(in.Kind)
				}
				names = append(names, name)
			}
			// Same-name entries come by kind: instapi before ofx.
			if s.query == "national" {
				slices.Reverse(s.want)
			}
			if !slices.Equal(names, s.want) {
				t.Errorf("SearchInstitutions(%q, %d) = %v, want %v", s.query, s.limit, names, s.want)
			}
		}
	})
}
