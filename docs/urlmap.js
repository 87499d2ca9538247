// urlmap.js: where the reference manual links to for other namespaces
//
// SPDX-License-Identifier: LGPL-2.1-or-later

// eslint-disable-next-line no-unused-vars
var baseURLs = [
    ['GLib', 'https://docs.gtk.org/glib/'],
    ['GObject', 'https://docs.gtk.org/gobject/'],
    ['Gio', 'https://docs.gtk.org/gio/'],
    ['Soup', 'https://libsoup.org/libsoup-3.0/'],
    ['Json', 'https://gnome.pages.gitlab.gnome.org/json-glib/'],
];
