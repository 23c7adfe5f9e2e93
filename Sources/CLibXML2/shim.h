// libxml2's HTML and XML parsers and tree API (libxml2-dev).
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
