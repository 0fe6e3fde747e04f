/*
 * reference — turns the checklist's 関連規定 / 関連規定箇所 cells into
 * structured references, and back.  The cells are text copied out of a
 * spreadsheet with its line wrapping left in; the parser undoes every trap
 * listed in DOMAIN.md: sources separated by "-----" with the places cell in
 * the same order, stray layout spaces inside words, two sections in one cell
 * with no separator, a point letter glued to the title or missing, "、"
 * separating clauses and letters but also standing inside titles, and empty
 * cells.  One ref_t results per clause and per lettered point.
 */
#ifndef APICHECK_REFERENCE_H
#define APICHECK_REFERENCE_H

#include "core/catalog.h"
#include "util/diag.h"

/* Parse the two cells of one item and append the references to it.  Either
 * cell may be NULL or empty (then both must be).  A point is one lower-case
 * letter a–z at the end of a section's text, after a space, "、" or ",",
 * or glued to a (Japanese) title; a title ending in a lone upper-case
 * letter or in several lower-case ones is refused as ambiguous.  A section
 * must belong to its source's chapter (3.3.x セキュリティ原則, 3.4.x
 * 利用者保護原則).  Full-width ASCII is read as ASCII.  Returns 0, or -1
 * after adding every problem (unknown source, places without a source, a
 * malformed clause …) to d, located at sheet/row/col (col of the 関連規定
 * cell; the places cell is col + 1); on failure nothing is appended. */
int reference_parse(item_t *it, const char *sources_cell, const char *places_cell,
                    diag_t *d, const char *sheet, long row, int col);

/* The inverse: the two cells for an item's references, normalized (no
 * layout spaces; consecutive references of one source form one group, FISC
 * clauses joined by "、", one line per report section with its points
 * joined by "、"; groups separated by "-----" lines as in the seed; a known
 * section without a title gets its title from the table).  Both are fresh
 * strings ("" when the item has no references).  Parsing them back gives
 * the same references, for every list of references reference_parse can
 * produce (FISC clauses carry no title or point; titles hold no spaces). */
void reference_format(const item_t *it, char **sources_cell, char **places_cell);

/* Known section titles of the 銀行API報告書 (3.3.1 … 3.4.x), by number; NULL
 * when unknown.  Used to supply a title the cell left out. */
const char *reference_section_title(const char *section);

#endif
