package pdk

import "encoding/base64"

// BearerAuth is an API.Auth (or a helper for a hand-built request) that
// sends the credential named field as "Authorization: Bearer <value>" in a
// secret header; a missing credential is the CREDENTIALS error naming it.
func BearerAuth(field string) func(c *Context, r *Request) error {
	return func(c *Context, r *Request) error {
		v, err := c.Credential(field)
		if err != nil {
			return err
		}
		r.SecretHeader("Authorization", "Bearer "+v)
		return nil
	}
}

// BasicAuth sends the credentials named userField and passwordField as HTTP
// Basic authentication (RFC 7617) in a secret header; a missing credential
// is the CREDENTIALS error naming it.
func BasicAuth(userField, passwordField string) func(c *Context, r *Request) error {
	return func(c *Context, r *Request) error {
		user, err := c.Credential(userField)
		if err != nil {
			return err
		}
		password, err := c.Credential(passwordField)
		if err != nil {
			return err
		}
		r.SecretHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
		return nil
	}
}
