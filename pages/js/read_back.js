// uses: account_of, read_spots
// The account's fields by their learned spots where the document is that account's page (its section's title as
// learned, `npi` its Username), else null. Run on the page as the server sends it (pages/scripts.py `fetched`).
([title, npi, spots]) => {
  const [titled, shows] = account_of([title, npi]);
  return titled && shows ? read_spots([spots, {}]) : null;
}
