namespace Vigie.Ingestion.Fluent;

/// <summary>The kinds of MessagePack values the Fluent Forward decoder tells apart.</summary>
public enum MsgPackType
{
    Nil,
    Bool,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
