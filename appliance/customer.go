package appliance

import "time"

// Customer is a person the desk serves. The phone number is the everyday
// lookup key; one phone number holds one active card (seed 000, 壹卡通 FAQ 2).
type Customer struct {
	// ID is the store's internal identifier, never shown to people.
	ID string `json:"id"`
	// Name is the customer's name as they gave it.
	Name string `json:"name"`
	// Phones are the customer's phone numbers; the first is the main one.
	Phones []string `json:"phones"`
	// Address is the postal address, for delivery and mail-back.
	Address string `json:"address,omitempty"`
	// Notes are the desk's free-text notes.
	Notes string `json:"notes,omitempty"`
	// Created is when the customer was first recorded.
	Created time.Time `json:"created"`
	// Updated is when the record last changed.
	Updated time.Time `json:"updated"`
}
