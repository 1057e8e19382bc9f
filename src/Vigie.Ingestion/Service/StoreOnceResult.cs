namespace Vigie.Ingestion.Service;

/// <summary>The outcome of <see cref="IngestionService.StoreOnceAsync"/>.</summary>
/// <param name="Stored">Events stored by this call.</param>
/// <param name="Duplicate">True when the key was already stored: this call stored nothing.</param>
public readonly record struct StoreOnceResult(int Stored, bool Duplicate);
