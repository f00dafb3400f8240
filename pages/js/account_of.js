// uses: landmark, shows_username
// Whether the section's title is there as learned, and whether the page shows `npi` as its Username.
([title, npi]) => [landmark.find(title) !== null, shows_username(npi)]
