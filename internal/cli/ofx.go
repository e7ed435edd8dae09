package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// ofxSecretElements are masked by `ofx dump` unless --show-secrets is given:
// a dump is pasted into issues and chats.
var ofxSecretElements = map[string]bool{
	"USERPASS": true, "NEWUSERPASS": true, "USERKEY": true, "USERCRED1": true, "USERCRED2": true,
	"AUTHTOKEN": true, "ACCESSTOKEN": true, "ACCESSKEY": true, "SESSCOOKIE": true, "MFAPHRASEA": true,
}

func (e *env) ofxCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ofx",
		Short: "Debugging aids for OFX (Open Financial Exchange) files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("ofx needs a subcommand: dump")}
		},
	}
	var showSecrets bool
	dump := &cobra.Command{
		Use:   "dump FILE",
		Short: "Print an OFX 1.x or 2.x file as indented JSON, or where it is malformed",
		Long: `Parses FILE (OFX 1.x SGML or 2.x XML, any of the character sets real banks
use) and prints its header, version and element tree as indented JSON. A file
that does not parse gives an error naming the line and element, and exit
status 1. Passwords, credentials, tokens and MFA answers are masked unless
--show-secrets is given.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("ofx dump: %w", err)
			}
			defer f.Close()
			doc, err := ofx.Parse(f)
			if err != nil {
				return fmt.Errorf("ofx dump %s: %w", args[0], err)
			}
			if !showSecrets {
				maskOFXSecrets(doc.Root)
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(doc); err != nil {
				return fmt.Errorf("ofx dump: write: %w", err)
			}
			return nil
		},
	}
	dump.Flags().BoolVar(&showSecrets, "show-secrets", false, "print passwords, credentials, tokens and MFA answers as they are")
	cmd.AddCommand(dump)
	return cmd
}

func maskOFXSecrets(el *ofx.Element) {
	if el == nil {
		return
	}
	if ofxSecretElements[el.Name] && el.Value != "" {
		el.Value = "********"
	}
	for _, c := range el.Children {
		maskOFXSecrets(c)
	}
}
