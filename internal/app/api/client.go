package api

import (
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientView is a client as the API shows it.
type clientView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"` // E.164, or ""
	CreatedAt time.Time `json:"created_at"`
}

func clientOf(c *firm.Client) clientView {
	return clientView{ID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone, CreatedAt: c.CreatedAt}
}

// clientRequest creates a client, or (fields left out keep their value)
// changes one.
type clientRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
}

// apply sets d's fields that req gives.
func (req clientRequest) apply(d firm.ClientDetails) firm.ClientDetails {
	if req.Name != nil {
		d.Name = *req.Name
	}
	if req.Email != nil {
		d.Email = *req.Email
	}
	if req.Phone != nil {
		d.Phone = *req.Phone
	}
	return d
}

func clientPath(id int64) string { return "/api/v1/clients/" + strconv.FormatInt(id, 10) }
