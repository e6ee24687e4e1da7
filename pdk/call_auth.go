package pdk

import (
	"encoding/base64"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// Bearer is an API.Auth that sends the credential named field as
// "Authorization: Bearer <value>", a secret header. A missing value is a
// MissingCredential error; one with white space or a line break (which
// would split the header) is a CREDENTIALS error naming the field.
func Bearer(field string) func(c *Context, r *Request) error {
	return func(c *Context, r *Request) error {
		v, err := headerCredential(c, field)
		if err != nil {
			return err
		}
		r.SecretHeader("Authorization", "Bearer "+v)
		return nil
	}
}

// Basic is an API.Auth that sends HTTP Basic authentication from the
// credentials named user and password (the password may be empty when
// password is ""), a secret header, with Bearer's checks.
func Basic(user, password string) func(c *Context, r *Request) error {
	return func(c *Context, r *Request) error {
		u, err := headerCredential(c, user)
		if err != nil {
			return err
		}
		p := ""
		if password != "" {
			if p, err = headerCredential(c, password); err != nil {
				return err
			}
		}
		r.SecretHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u+":"+p)))
		return nil
	}
}

func headerCredential(c *Context, field string) (string, error) {
	v, err := c.Credential(field)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(v, " \t\r\n") {
		return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q is malformed: it contains whitespace", field)
	}
	return v, nil
}
