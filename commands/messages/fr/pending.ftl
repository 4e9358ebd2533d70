pending-gone = ℹ️ Cette proposition ne tient plus : la commande a été modifiée ou supprimée depuis.
pending-withdrawn = { $cause } : la proposition en attente est abandonnée, rien n'est enregistré.
