package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/connector"
)

// checkImage sends one side (front or back) of a check's image, as the
// bank gave it (PNG).
func (s *server) checkImage(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	side := connector.Side(r.PathValue("side"))
	if side != connector.Front && side != connector.Back {
		return notFound("A check has a front and a back: ask for /checks/front or /checks/back.")
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if _, err := bankdata.GetTransaction(ctx, q, c.firmID, id); err != nil {
		return err
	}
	img, err := bankdata.GetCheckImage(ctx, q, c.firmID, id, side)
	if err != nil {
		return err
	}
	body, obj, err := s.app.Blobs.Get(ctx, img.BlobKey)
	if err != nil {
		return fmt.Errorf("check image of transaction %d: read it from storage: %w", id, err)
	}
	defer body.Close()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="check-%d-%s.png"`, id, side))
	if obj.Size > 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	}
	_, err = io.Copy(w, body)
	return err
}
