/* Every string a person reads goes through _(), so that the French
 * catalogue is a translation and not a rewrite. N_() marks a string for
 * the catalogue where it is stored (tables of actions, menus) and
 * translated later, where it is shown. */
#ifndef REGIE_TUI_I18N_H
#define REGIE_TUI_I18N_H
#include <libintl.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#define _(s) gettext(s)
#define N_(s) (s)

#endif
