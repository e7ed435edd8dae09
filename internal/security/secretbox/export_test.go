package secretbox

import (
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
)

// KeysetMaterial exposes the cleartext keyset so that tests can check the
// file on disk does not contain it.
func (b *Box) KeysetMaterial() *tinkpb.Keyset {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return insecurecleartextkeyset.KeysetMaterial(b.handle)
}
