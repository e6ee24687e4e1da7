package executor

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestHostFieldsBindToGetters walks every flow's request and response and
// proves that the fields the host's checks and fills rely on are read
// through the interfaces the code uses: a message with such a field that
// does not satisfy the interface (a renamed field: its getter changed) fails
// here, instead of the check silently switching off for that flow.
func TestHostFieldsBindToGetters(t *testing.T) {
	stateName := (&v1.ConnectorState{}).ProtoReflect().Descriptor().FullName()
	usedIDs := map[protoreflect.Name]int{}
	for _, info := range abi.Flows() {
		req, resp := info.NewRequest(), info.NewResponse()
		for _, m := range []abi.Message{req, resp} {
			d := m.ProtoReflect().Descriptor()
			name := string(d.Name())
			_, holds := m.(stateHolder)
			if hasState := stateFieldOf(m.ProtoReflect()) != nil; hasState != holds {
				t.Errorf("%s: has a %s field: %v, satisfies GetState(): %v", name, stateName, hasState, holds)
			}
			for _, f := range idFields {
				_, ok := f.get(m)
				fd := d.Fields().ByName(f.name)
				if has := fd != nil && fd.Kind() == protoreflect.StringKind; has != ok {
					t.Errorf("%s: has string field %s: %v, satisfies its getter: %v", name, f.name, has, ok)
				}
			}
		}
		// The response's connector_http_status is filled through its getter.
		_, ok := resp.(httpStatusHolder)
		rd := resp.ProtoReflect().Descriptor()
		if fd := rd.Fields().ByName(httpStatusField); (fd != nil && fd.Kind() == protoreflect.Int32Kind) != ok {
			t.Errorf("%s: has int32 %s: %v, satisfies GetConnectorHttpStatus(): %v", rd.Name(), httpStatusField, fd != nil, ok)
		}
		if !ok {
			t.Errorf("%s has no %s: the host cannot echo the processor's status", rd.Name(), httpStatusField)
		}
		// Every id a request and its response share is checked and echoed.
		qd := req.ProtoReflect().Descriptor()
		for i := 0; i < rd.Fields().Len(); i++ {
			fd := rd.Fields().Get(i)
			n := string(fd.Name())
			if fd.Kind() != protoreflect.StringKind || !strings.HasSuffix(n, "_id") || !(strings.HasPrefix(n, "merchant_") || strings.HasPrefix(n, "connector_")) {
				continue
			}
			if q := qd.Fields().ByName(fd.Name()); q == nil || q.Kind() != protoreflect.StringKind {
				continue
			}
			known := false
			for _, f := range idFields {
				if f.name == fd.Name() {
					known, usedIDs[f.name] = true, usedIDs[f.name]+1
				}
			}
			if !known {
				t.Errorf("%s: %s and %s share %s, which idFields does not list: it would be neither checked nor echoed", info.Name(), qd.Name(), rd.Name(), n)
			}
		}
		// Amount rules read the fields they name, through the getters; a
		// Money field the request and response share has a rule.
		if rule, ok := amountRules[info.Flow]; ok {
			checkAmountRule(t, info, rule)
		} else if shared := sharedMoney(qd, rd); shared != "" {
			t.Errorf("%s: %s and %s share the Money field %s, which no amount rule checks", info.Name(), qd.Name(), rd.Name(), shared)
		}
	}
	for _, f := range idFields {
		if usedIDs[f.name] == 0 {
			t.Errorf("idFields lists %s, which no flow's request and response share (renamed?)", f.name)
		}
	}
}

// sharedMoney names a Money field the request and response descriptors
// share, or "".
func sharedMoney(req, resp protoreflect.MessageDescriptor) string {
	money := (&v1.Money{}).ProtoReflect().Descriptor().FullName()
	for i := 0; i < resp.Fields().Len(); i++ {
		f := resp.Fields().Get(i)
		if f.Message() == nil || f.Message().FullName() != money {
			continue
		}
		if q := req.Fields().ByName(f.Name()); q != nil && q.Message() != nil && q.Message().FullName() == money {
			return string(f.Name())
		}
	}
	return ""
}

// checkAmountRule sets the rule's named Money fields by name and reads them
// back through the rule's getters.
func checkAmountRule(t *testing.T, info abi.FlowInfo, rule amountRule) {
	t.Helper()
	req, resp := info.NewRequest(), info.NewResponse()
	set := func(m abi.Message, field string, minor int64) {
		r := m.ProtoReflect()
		fd := r.Descriptor().Fields().ByName(protoreflect.Name(field))
		if fd == nil || fd.Message() == nil || fd.Message().FullName() != (&v1.Money{}).ProtoReflect().Descriptor().FullName() {
			t.Fatalf("%s: amount rule names %s.%s, which is not a Money field", info.Name(), r.Descriptor().Name(), field)
		}
		r.Set(fd, protoreflect.ValueOfMessage((&v1.Money{MinorAmount: minor, Currency: "EUR"}).ProtoReflect()))
	}
	set(req, rule.request, 111)
	set(resp, rule.response, 222)
	want, got, ok := rule.amounts(req, resp)
	if !ok || want.GetMinorAmount() != 111 || got.GetMinorAmount() != 222 {
		t.Errorf("%s: the amount rule's getters do not read %s and %s (got %v, %v, %v)", info.Name(), rule.request, rule.response, want, got, ok)
	}
}
