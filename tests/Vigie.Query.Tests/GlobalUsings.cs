// The type Vigie.Query.Syntax.Query is hidden by the namespace Vigie.Query inside Vigie.* namespaces.
global using ParsedQuery = Vigie.Query.Syntax.Query;
