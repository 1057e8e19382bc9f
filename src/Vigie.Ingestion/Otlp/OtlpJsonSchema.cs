namespace Vigie.Ingestion.Otlp;

/// <summary>
/// The messages of an OTLP logs request as <see cref="OtlpJsonTranscoder"/> reads them: for each, the
/// camelCase JSON names the SDKs write, the protobuf field number and how the value is written.
/// A name not listed here makes the transcoder give up, so the reference parser decides.
/// </summary>
internal static class OtlpJsonSchema
{
    public enum Kind
    {
        String,
        Fixed64,
        UInt32,
        Int32,
        Int64,
        Fixed32,
        Bool,
        Double,
        Base64Bytes,
        HexId,
        Message,
        Repeated,
    }

    public sealed record Field(byte[] Name, int Number, Kind Kind, Message? Of = null);

    public sealed class Message
    {
        private Field[] _fields = [];

        public Field? Find(ReadOnlySpan<byte> name)
        {
            foreach (var field in _fields)
            {
                if (name.SequenceEqual(field.Name))
                {
                    return field;
                }
            }
            return null;
        }

        // Set after construction: AnyValue and KeyValue refer to each other.
        public void Define(params Field[] fields) => _fields = fields;
    }

    public static readonly Message Request = new();

    static OtlpJsonSchema()
    {
        var resourceLogs = new Message();
        var resource = new Message();
        var scopeLogs = new Message();
        var scope = new Message();
        var logRecord = new Message();
        var keyValue = new Message();
        var anyValue = new Message();
        var arrayValue = new Message();
        var kvList = new Message();

        Request.Define(F("resourceLogs", 1, Kind.Repeated, resourceLogs));
        resourceLogs.Define(
            F("resource", 1, Kind.Message, resource),
            F("scopeLogs", 2, Kind.Repeated, scopeLogs),
            F("schemaUrl", 3, Kind.String));
        resource.Define(
            F("attributes", 1, Kind.Repeated, keyValue),
            F("droppedAttributesCount", 2, Kind.UInt32));
        scopeLogs.Define(
            F("scope", 1, Kind.Message, scope),
            F("logRecords", 2, Kind.Repeated, logRecord),
            F("schemaUrl", 3, Kind.String));
        scope.Define(
            F("name", 1, Kind.String),
            F("version", 2, Kind.String),
            F("attributes", 3, Kind.Repeated, keyValue),
            F("droppedAttributesCount", 4, Kind.UInt32));
        logRecord.Define(
            F("timeUnixNano", 1, Kind.Fixed64),
            F("observedTimeUnixNano", 11, Kind.Fixed64),
            F("severityNumber", 2, Kind.Int32),
            F("severityText", 3, Kind.String),
            F("body", 5, Kind.Message, anyValue),
            F("attributes", 6, Kind.Repeated, keyValue),
            F("droppedAttributesCount", 7, Kind.UInt32),
            F("flags", 8, Kind.Fixed32),
            F("traceId", 9, Kind.HexId),
            F("spanId", 10, Kind.HexId),
            F("eventName", 12, Kind.String));
        keyValue.Define(
            F("key", 1, Kind.String),
            F("value", 2, Kind.Message, anyValue));
        anyValue.Define(
            F("stringValue", 1, Kind.String),
            F("boolValue", 2, Kind.Bool),
            F("intValue", 3, Kind.Int64),
            F("doubleValue", 4, Kind.Double),
            F("bytesValue", 7, Kind.Base64Bytes),
            F("arrayValue", 5, Kind.Message, arrayValue),
            F("kvlistValue", 6, Kind.Message, kvList));
        arrayValue.Define(F("values", 1, Kind.Repeated, anyValue));
        kvList.Define(F("values", 1, Kind.Repeated, keyValue));
    }

    private static Field F(string name, int number, Kind kind, Message? of = null) =>
        new(System.Text.Encoding.UTF8.GetBytes(name), number, kind, of);
}
