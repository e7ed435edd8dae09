package firm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Sealer encrypts a secret bound to associated data and opens it again: a
// *secretbox.Box.
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(ciphertext, associatedData []byte) ([]byte, error)
}

// The sealed columns of the connection table.
const (
	credentialsColumn   = "credentials"
	sharedAnswersColumn = "shared_answers"
	deviceStateColumn   = "device_state"
)

func connectionAAD(column string) func(id int64) []byte {
	return func(id int64) []byte { return secretbox.RowAAD("connection", id, column) }
}

// EncryptedColumns are the columns this package stores sealed values in,
// for key rotation (`ledgersync keys rotate` re-encrypts them).
func EncryptedColumns() []secretbox.Column {
	cols := make([]secretbox.Column, 0, 3)
	for _, c := range []string{credentialsColumn, sharedAnswersColumn, deviceStateColumn} {
		cols = append(cols, secretbox.Column{Table: "connection", IDColumn: "id", Column: c, AAD: connectionAAD(c)})
	}
	return cols
}

// Secrets are a connection's sealed values, opened: what a refresh signs
// in with. Printing or logging a Secrets shows none of them.
type Secrets struct {
	Credentials connector.Credentials
	// SharedAnswers are the client's shared security answers by the bank's
	// question prompt; nil for none.
	SharedAnswers map[string]string
	// Device is the connector's device state from the last sign-in; nil
	// for none.
	Device []byte
}

// String hides every secret.
func (Secrets) String() string { return "firm.Secrets{redacted}" }

// GoString hides every secret, for %#v.
func (s Secrets) GoString() string { return s.String() }

// LogValue hides every secret from slog.
func (s Secrets) LogValue() slog.Value { return slog.StringValue(s.String()) }

// sealedCredentials is the JSON sealed in the credentials column; its
// field names are the stored format, independent of connector's.
type sealedCredentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// ConnectionSecrets opens the firm's connection's credentials, shared
// answers and device state. A value that does not open (another key, or a
// ciphertext moved from another row) is secretbox.ErrDecrypt, naming the
// column but never its content.
func ConnectionSecrets(ctx context.Context, q store.Querier, box Sealer, firmID, id int64) (*Secrets, error) {
	var creds, answers, device []byte
	err := q.QueryRowContext(ctx, `SELECT credentials, shared_answers, device_state FROM connection WHERE id = $1 AND firm_id = $2`,
		id, firmID).Scan(&creds, &answers, &device)
	if err != nil {
		return nil, fmt.Errorf("firm: secrets of connection %d of firm %d: %w", id, firmID, store.Err(err))
	}
	open := func(column string, ct []byte) ([]byte, error) {
		pt, err := box.Open(ct, secretbox.RowAAD("connection", id, column))
		if err != nil {
			return nil, fmt.Errorf("firm: open the %s of connection %d: %w", strings.ReplaceAll(column, "_", " "), id, err)
		}
		return pt, nil
	}
	var s Secrets
	pt, err := open(credentialsColumn, creds)
	if err != nil {
		return nil, err
	}
	var c sealedCredentials
	if err := json.Unmarshal(pt, &c); err != nil {
		// The error of encoding/json may quote the input: leave it out.
		return nil, fmt.Errorf("firm: the credentials of connection %d are not in the stored format", id)
	}
	s.Credentials = connector.Credentials{Username: c.Username, Password: c.Password}
	if answers != nil {
		pt, err := open(sharedAnswersColumn, answers)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(pt, &s.SharedAnswers); err != nil {
			return nil, fmt.Errorf("firm: the shared answers of connection %d are not in the stored format", id)
		}
	}
	if device != nil {
		if s.Device, err = open(deviceStateColumn, device); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// SetCredentials replaces the firm's connection's credentials; the
// username and password are required (*FieldError).
func SetCredentials(ctx context.Context, q store.Querier, box Sealer, firmID, id int64, c connector.Credentials) error {
	if err := checkCredentials(c); err != nil {
		return err
	}
	pt, err := json.Marshal(sealedCredentials{Username: c.Username, Password: c.Password})
	if err != nil {
		return fmt.Errorf("firm: encode the credentials of connection %d: %w", id, err)
	}
	return setSealed(ctx, q, box, firmID, id, credentialsColumn, pt)
}

// SetSharedAnswers replaces the security answers the client chose to share
// for the firm's connection (question prompt → answer); nil or empty
// removes them. Each needs a question and an answer (*FieldError).
func SetSharedAnswers(ctx context.Context, q store.Querier, box Sealer, firmID, id int64, answers map[string]string) error {
	if err := checkSharedAnswers(answers); err != nil {
		return err
	}
	var pt []byte
	if len(answers) > 0 {
		var err error
		if pt, err = json.Marshal(answers); err != nil {
			return fmt.Errorf("firm: encode the shared answers of connection %d: %w", id, err)
		}
	}
	return setSealed(ctx, q, box, firmID, id, sharedAnswersColumn, pt)
}

// SetDeviceState replaces the connector's device state kept for the firm's
// connection (L7); nil or empty removes it.
func SetDeviceState(ctx context.Context, q store.Querier, box Sealer, firmID, id int64, state []byte) error {
	return setSealed(ctx, q, box, firmID, id, deviceStateColumn, state)
}

// setSealed seals pt into column of the firm's connection id, or sets the
// column NULL when pt is empty. column is one of the constants above,
// never input.
func setSealed(ctx context.Context, q store.Querier, box Sealer, firmID, id int64, column string, pt []byte) error {
	var ct any // nil: NULL, said plainly rather than trusting each driver with a nil []byte
	if len(pt) > 0 {
		sealed, err := box.Seal(pt, secretbox.RowAAD("connection", id, column))
		if err != nil {
			return fmt.Errorf("firm: seal the %s of connection %d: %w", strings.ReplaceAll(column, "_", " "), id, err)
		}
		ct = sealed
	}
	res, err := q.ExecContext(ctx, `UPDATE connection SET `+column+` = $1 WHERE id = $2 AND firm_id = $3`, ct, id, firmID)
	return oneRow(res, err, "store the %s of connection %d of firm %d", strings.ReplaceAll(column, "_", " "), id, firmID)
}

func checkCredentials(c connector.Credentials) error {
	var errs []error
	if strings.TrimSpace(c.Username) == "" {
		errs = append(errs, &FieldError{Field: "username", Message: "Enter the username the client signs in to the bank with"})
	}
	if c.Password == "" {
		errs = append(errs, &FieldError{Field: "password", Message: "Enter the password the client signs in to the bank with"})
	}
	return errors.Join(errs...)
}

func checkSharedAnswers(answers map[string]string) error {
	for question, answer := range answers {
		if strings.TrimSpace(question) == "" || strings.TrimSpace(answer) == "" {
			return &FieldError{Field: "shared_answers", Message: "Give each shared security question its answer"}
		}
	}
	return nil
}
